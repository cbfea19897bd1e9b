import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { parsePolicy } from '../../src/config/policy.js';

// biome-ignore lint/suspicious/noExplicitAny: Kubernetes objects are parsed YAML, checked field by field.
type K8sObject = any;

describe('deploy/kubernetes/latch.yaml', () => {
  let objects: K8sObject[];
  let container: K8sObject;
  let env: Map<string, K8sObject>;
  const byKind = (kind: string) => objects.find((o) => o.kind === kind);

  beforeAll(async () => {
    const text = await readFile(new URL('../../deploy/kubernetes/latch.yaml', import.meta.url), 'utf8');
    objects = parseAllDocuments(text).map((doc) => {
      expect(doc.errors).toEqual([]);
      return doc.toJS();
    });
    container = byKind('Deployment').spec.template.spec.containers[0];
    env = new Map(container.env.map((e: K8sObject) => [e.name, e]));
  });

  it('runs two replicas in HTTP mode with the three secrets from the Secret `latch`', () => {
    expect(byKind('Deployment').spec.replicas).toBe(2);
    for (const name of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'DATABASE_URL']) {
      expect(env.get(name)?.valueFrom?.secretKeyRef, name).toEqual({ name: 'latch', key: name });
    }
    expect(env.has('SLACK_APP_TOKEN')).toBe(false);
  });

  it('mounts the ConfigMap policy at LATCH_POLICY_FILE, and that policy is valid', () => {
    const path: string = env.get('LATCH_POLICY_FILE')?.value;
    const mount = container.volumeMounts.find((m: K8sObject) => path.startsWith(`${m.mountPath}/`));
    const volume = byKind('Deployment').spec.template.spec.volumes.find(
      (v: K8sObject) => v.name === mount?.name,
    );
    const configMap = objects.find(
      (o) => o.kind === 'ConfigMap' && o.metadata.name === volume?.configMap?.name,
    );
    const text = configMap?.data?.[path.slice(mount.mountPath.length + 1)];
    expect(text, `a ConfigMap key mounted at ${path}`).toEqual(expect.any(String));
    expect(() => parsePolicy(parseAllDocuments(text)[0]?.toJS())).not.toThrow();
  });

  it('probes /healthz for liveness and /readyz for readiness on the port Latch listens on', () => {
    const port = Number(env.get('PORT')?.value);
    expect(container.ports).toEqual([{ name: 'http', containerPort: port }]);
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(byKind('Service').spec.ports[0].targetPort).toBe('http');
  });

  it('runs as a non-root user that cannot gain privileges', () => {
    const pod = byKind('Deployment').spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: expect.any(Number) });
    expect(pod.securityContext.runAsUser).not.toBe(0);
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
  });
});
