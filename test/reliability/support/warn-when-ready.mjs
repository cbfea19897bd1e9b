// Loaded into a Latch child with `node --import`: once the bot answers /readyz, emits one process
// warning, as a deprecated API or the AWS SDK would, to show where such warnings end up.
const readyz = `http://127.0.0.1:${process.env.PORT}/readyz`;
const timer = setInterval(() => {
  fetch(readyz).then(
    (res) => {
      if (res.status !== 200) return;
      clearInterval(timer);
      process.emitWarning('a warning emitted after start', { type: 'LatchTestWarning', code: 'LATCH_TEST' });
    },
    () => {},
  );
}, 50);
timer.unref();
