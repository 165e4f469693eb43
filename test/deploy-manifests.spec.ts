import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Deployment, type IDeployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler, type IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget, type IPodDisruptionBudget } from 'kubernetes-models/policy/v1';
import {
  ConfigMap,
  Namespace,
  Secret,
  Service,
  type IConfigMap,
  type IContainer,
  type IProbe,
  type ISecret,
  type IService,
} from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { parseEnvironment } from '@switchyard/config';
// The schema itself, for the names it accepts (parseEnvironment drops names it does not know).
import { environmentSchema } from '../libs/config/src/config.schema';

/**
 * The deployment files, read as the tools that apply them would: every Kubernetes document validated
 * against the schema of its kind (the API's OpenAPI schemas, shipped by kubernetes-models: offline),
 * then the properties operators rely on — probes, non-root, the API's disruption budget and autoscaler,
 * a connection budget that holds at maximum scale — plus docker-compose.yml and deploy/Dockerfile.
 */

const ROOT = resolve(__dirname, '..');
const KUBERNETES = join(ROOT, 'deploy', 'kubernetes');
const NAMESPACE = 'switchyard';

interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}
type Manifest = KubernetesObject & { file: string };

/** Every kind these manifests may use, with the model that validates it. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
};
const CLUSTER_SCOPED = new Set(['Namespace']);

const yamlFiles = readdirSync(KUBERNETES)
  .filter((name) => name.endsWith('.yaml') || name.endsWith('.yml'))
  .sort();
const manifestFiles = yamlFiles.filter((name) => name !== 'kustomization.yaml');

function loadManifests(): Manifest[] {
  return manifestFiles.flatMap((file) =>
    parseAllDocuments(readFileSync(join(KUBERNETES, file), 'utf8')).flatMap((document) => {
      if (document.errors.length > 0) throw new Error(`${file}: ${document.errors.map((e) => e.message).join('; ')}`);
      const value = document.toJS() as KubernetesObject | null;
      return value === null ? [] : [{ ...value, file }];
    }),
  );
}

const manifests = loadManifests();

function only<T>(kind: string, name: string): T {
  const found = manifests.filter((m) => m.kind === kind && m.metadata.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name} in deploy/kubernetes, found ${found.length}`);
  return found[0] as unknown as T;
}
const all = <T>(kind: string): T[] => manifests.filter((m) => m.kind === kind) as unknown as T[];

const deployments = all<IDeployment & Manifest>('Deployment');
const appDeployments = deployments.filter((d) =>
  d.spec!.template.spec!.containers.some((c) => c.image?.split(':')[0] === 'switchyard'),
);
const api = only<IDeployment>('Deployment', 'switchyard-api');
const controlPlane = only<IDeployment>('Deployment', 'switchyard-control-plane');
const config = only<IConfigMap>('ConfigMap', 'switchyard-config').data ?? {};
const secrets = only<ISecret>('Secret', 'switchyard-secrets').stringData ?? {};

const podLabels = (d: IDeployment) => d.spec!.template.metadata!.labels ?? {};
const selects = (selector: Record<string, string> | undefined, labels: Record<string, string>) =>
  selector !== undefined &&
  Object.keys(selector).length > 0 &&
  Object.entries(selector).every(([key, value]) => labels[key] === value);

/** The port a probe or Service names, as the container's number. */
function portNumber(container: IContainer, port: number | string | undefined): number | undefined {
  if (typeof port === 'number') return port;
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

function httpProbe(container: IContainer, probe: IProbe | undefined) {
  return { path: probe?.httpGet?.path, port: portNumber(container, probe?.httpGet?.port) };
}

const preStopSleepSeconds = (container: IContainer) => {
  const command = container.lifecycle?.preStop?.exec?.command ?? [];
  return command[0] === 'sleep' ? Number(command[1]) : 0;
};

describe('deploy/kubernetes', () => {
  it('holds manifests', () => {
    expect(manifestFiles.length).toBeGreaterThan(0);
    expect(deployments.length).toBeGreaterThan(0);
  });

  describe.each(manifests.map((m) => [`${m.file}: ${m.kind} ${m.metadata?.name}`, m] as const))(
    '%s',
    (_label, manifest) => {
      it('is valid against the Kubernetes schema of its kind', () => {
        const Model = MODELS[`${manifest.apiVersion}/${manifest.kind}`];
        expect(Model, `no schema known for ${manifest.apiVersion} ${manifest.kind}`).toBeDefined();
        const { file: _file, ...document } = manifest;
        expect(() => new Model!(document as never).validate()).not.toThrow();
      });

      it(`lives in the ${NAMESPACE} namespace`, () => {
        if (CLUSTER_SCOPED.has(manifest.kind)) expect(manifest.metadata.namespace).toBeUndefined();
        else expect(manifest.metadata.namespace).toBe(NAMESPACE);
      });
    },
  );

  it('creates the namespace it uses', () => {
    only('Namespace', NAMESPACE);
  });

  it('lists every manifest in kustomization.yaml, and nothing else', () => {
    const kustomization = parse(readFileSync(join(KUBERNETES, 'kustomization.yaml'), 'utf8')) as {
      kind: string;
      resources: string[];
      images?: { name: string; newName?: string; newTag?: string }[];
    };
    expect(kustomization.kind).toBe('Kustomization');
    expect([...kustomization.resources].sort()).toEqual(manifestFiles);
    // Its image override names the image the apps run, so changing it there changes both.
    const appImages = new Set(
      appDeployments.flatMap((d) => d.spec!.template.spec!.containers.map((c) => c.image!.split(':')[0])),
    );
    expect(kustomization.images?.map((i) => i.name)).toEqual([...appImages]);
  });

  describe.each(deployments.map((d) => [d.metadata!.name!, d] as const))('Deployment %s', (_name, deployment) => {
    const pod = deployment.spec!.template.spec!;

    it('selects its own pods', () => {
      expect(selects(deployment.spec!.selector.matchLabels, podLabels(deployment))).toBe(true);
    });

    it('has readiness and liveness probes on every container', () => {
      for (const container of pod.containers) {
        expect(container.readinessProbe, `${container.name}: readinessProbe`).toBeDefined();
        expect(container.livenessProbe, `${container.name}: livenessProbe`).toBeDefined();
      }
    });

    it('runs every container as non-root, read-only, without privilege escalation', () => {
      for (const container of pod.containers) {
        const runAsNonRoot = container.securityContext?.runAsNonRoot ?? pod.securityContext?.runAsNonRoot;
        const runAsUser = container.securityContext?.runAsUser ?? pod.securityContext?.runAsUser;
        expect(runAsNonRoot, `${container.name}: runAsNonRoot`).toBe(true);
        if (runAsUser !== undefined) expect(runAsUser, `${container.name}: runAsUser`).toBeGreaterThan(0);
        expect(container.securityContext?.allowPrivilegeEscalation, container.name).toBe(false);
        expect(container.securityContext?.readOnlyRootFilesystem, container.name).toBe(true);
        expect(container.securityContext?.capabilities?.drop, container.name).toEqual(['ALL']);
        expect(container.resources?.requests, `${container.name}: resources.requests`).toBeDefined();
        expect(container.resources?.limits, `${container.name}: resources.limits`).toBeDefined();
      }
    });
  });

  describe.each(appDeployments.map((d) => [d.metadata!.name!, d] as const))(
    'app Deployment %s',
    (_name, deployment) => {
      const pod = deployment.spec!.template.spec!;
      const [container] = pod.containers;

      it('probes /health/ready for readiness and /health/live for liveness, on the port it listens on', () => {
        expect(pod.containers).toHaveLength(1);
        const port = container!.ports?.[0]?.containerPort;
        expect(port).toBeDefined();
        expect(httpProbe(container!, container!.readinessProbe)).toEqual({ path: '/health/ready', port });
        expect(httpProbe(container!, container!.livenessProbe)).toEqual({ path: '/health/live', port });
        if (container!.startupProbe)
          expect(httpProbe(container!, container!.startupProbe)).toEqual({ path: '/health/live', port });
      });

      it('runs an entry point the build produces, listening on the port its configuration names', () => {
        const [node, entry] = container!.command ?? [];
        expect(node).toBe('node');
        const source = entry!.replace(/^dist\//, '').replace(/\.js$/, '.ts');
        expect(existsSync(join(ROOT, source)), `${entry} is built from ${source}`).toBe(true);
        const portVariable = entry === 'dist/apps/api/src/main.js' ? 'API_PORT' : 'CONTROL_PLANE_PORT';
        expect(entry).toMatch(/^dist\/apps\/(api|control-plane)\/src\/main\.js$/);
        expect(Number(config[portVariable])).toBe(container!.ports?.[0]?.containerPort);
      });

      it('reads the shared ConfigMap and Secret', () => {
        expect(container!.envFrom?.map((e) => e.configMapRef?.name ?? e.secretRef?.name)).toEqual([
          'switchyard-config',
          'switchyard-secrets',
        ]);
      });

      it('has a writable /tmp on a read-only root filesystem', () => {
        const mount = container!.volumeMounts?.find((m) => m.mountPath === '/tmp');
        expect(pod.volumes?.find((v) => v.name === mount?.name)?.emptyDir).toBeDefined();
      });

      it('gives SIGTERM handling (preStop, then 3 x SHUTDOWN_GRACE_MS at most) time before SIGKILL', () => {
        const graceSeconds = Number(config.SHUTDOWN_GRACE_MS) / 1000;
        expect(graceSeconds).toBeGreaterThan(0);
        expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(
          preStopSleepSeconds(container!) + 3 * graceSeconds,
        );
      });

      it('never runs more pods than replicas during a rollout (APP_INSTANCES counts replicas)', () => {
        expect(deployment.spec!.strategy?.rollingUpdate?.maxSurge).toBe(0);
      });
    },
  );

  it('exposes every Deployment through a Service selecting its pods, on a port it listens on', () => {
    for (const deployment of deployments) {
      const services = all<IService>('Service').filter((s) => selects(s.spec?.selector, podLabels(deployment)));
      expect(services, deployment.metadata!.name).toHaveLength(1);
      const [container] = deployment.spec!.template.spec!.containers;
      for (const port of services[0]!.spec!.ports!) {
        expect(portNumber(container!, port.targetPort ?? port.port)).toBeDefined();
      }
    }
  });

  it('keeps at least one tenant API pod through voluntary disruptions', () => {
    const budgets = all<IPodDisruptionBudget>('PodDisruptionBudget').filter((b) =>
      selects(b.spec?.selector?.matchLabels, podLabels(api)),
    );
    expect(budgets).toHaveLength(1);
    expect(budgets[0]!.spec!.minAvailable).toBe(1);
    // It selects the API alone, not the control plane's or PgBouncer's pods as well.
    for (const other of deployments.filter((d) => d !== api))
      expect(selects(budgets[0]!.spec!.selector!.matchLabels, podLabels(other))).toBe(false);
  });

  it('scales the tenant API on CPU, 2 to 10 replicas', () => {
    const scalers = all<IHorizontalPodAutoscaler>('HorizontalPodAutoscaler');
    expect(scalers).toHaveLength(1);
    const { scaleTargetRef, minReplicas, maxReplicas, metrics } = scalers[0]!.spec!;
    expect(scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: api.metadata!.name });
    expect([minReplicas, maxReplicas]).toEqual([2, 10]);
    expect(api.spec!.replicas).toBe(minReplicas);
    expect(metrics).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
    ]);
  });

  it('counts every process that can run at once in APP_INSTANCES', () => {
    const [scaler] = all<IHorizontalPodAutoscaler>('HorizontalPodAutoscaler');
    expect(Number(config.APP_INSTANCES)).toBe(scaler!.spec!.maxReplicas + controlPlane.spec!.replicas!);
  });

  it('sends the application role through PgBouncer in transaction mode', () => {
    const service = only<IService>('Service', config.APP_DB_HOST!);
    expect(service.spec!.ports!.map((p) => p.port)).toContain(Number(config.APP_DB_PORT));
    const ini = only<IConfigMap>('ConfigMap', 'switchyard-pgbouncer').data!['pgbouncer.ini']!;
    expect(ini).toMatch(/^pool_mode = transaction$/m);
    expect(ini).toMatch(new RegExp(`^listen_port = ${config.APP_DB_PORT}$`, 'm'));
    const userlist = only<ISecret>('Secret', 'switchyard-pgbouncer-userlist').stringData!['userlist.txt']!;
    expect(userlist.trim()).toBe(`"${config.APP_DB_USER ?? 'switchyard_app'}" "${secrets.APP_DB_PASSWORD}"`);
  });

  it('keeps secrets in the Secret, as placeholders, and settings Switchyard accepts', () => {
    for (const key of ['DATABASE_URL', 'APP_DB_PASSWORD', 'JWT_SECRET', 'EXTRA_SERVERS']) {
      expect(secrets[key], key).toContain('CHANGE-ME');
      expect(config[key], `${key} belongs in the Secret`).toBeUndefined();
    }
    const accepted = Object.keys(environmentSchema.shape);
    expect(Object.keys({ ...config, ...secrets }).filter((key) => !accepted.includes(key))).toEqual([]);
    const env = parseEnvironment({ ...config, ...secrets });
    expect(env.LOG_LEVEL).toBe('log');
    expect(env.EXTRA_SERVERS.map((s) => s.name)).toEqual(['east']);
  });
});

describe('docker-compose.yml', () => {
  interface ComposeService {
    image?: string;
    build?: { context: string; dockerfile: string };
    command?: string[];
    environment?: Record<string, string>;
    healthcheck?: { test: string[] };
    depends_on?: Record<string, { condition: string }>;
  }
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as {
    services: Record<string, ComposeService>;
  };
  const { services } = compose;

  it('runs two PostgreSQL servers, Redis, PgBouncer and both apps', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['api', 'control-plane', 'pgbouncer', 'postgres', 'postgres-east', 'redis'].sort(),
    );
  });

  it.each([
    ['control-plane', 'dist/apps/control-plane/src/main.js', 3001],
    ['api', 'dist/apps/api/src/main.js', 3000],
  ])('builds %s from deploy/Dockerfile and runs %s, with a healthcheck', (name, entry, port) => {
    const service = services[name]!;
    expect(service.build).toEqual({ context: '.', dockerfile: 'deploy/Dockerfile' });
    expect(service.command).toEqual(['node', entry]);
    expect(service.healthcheck?.test.join(' ')).toContain(`http://127.0.0.1:${port}/health/ready`);
  });

  it('registers the second server through EXTRA_SERVERS, and the apps accept their settings', () => {
    for (const name of ['control-plane', 'api']) {
      const environment = services[name]!.environment!;
      const env = parseEnvironment(environment);
      expect(env.EXTRA_SERVERS.map((s) => s.name)).toEqual(['east']);
      expect(new URL(env.EXTRA_SERVERS[0]!.url).hostname).toBe('postgres-east');
      expect(new URL(env.DATABASE_URL!).hostname).toBe('postgres');
      expect(environment.APP_DB_HOST).toBe('pgbouncer');
    }
    expect(services['control-plane']!.depends_on?.['postgres-east']).toEqual({ condition: 'service_healthy' });
  });
});

describe('deploy/Dockerfile', () => {
  // Continuation lines joined, comments dropped: one instruction per line.
  const instructions = readFileSync(join(ROOT, 'deploy', 'Dockerfile'), 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const stages = instructions.reduce<string[][]>((acc, line) => {
    if (/^FROM\s/i.test(line)) acc.push([]);
    acc.at(-1)?.push(line);
    return acc;
  }, []);
  const runtime = stages.at(-1) ?? [];
  const last = (keyword: string) => runtime.filter((line) => line.toUpperCase().startsWith(`${keyword} `)).at(-1);

  it('builds in one stage and runs from another, on node:20-bookworm-slim', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(instructions.join('\n')).toContain('node:20-bookworm-slim');
    expect(stages.slice(0, -1).flat().join('\n')).toContain('npm run build');
  });

  it('installs production dependencies only in the runtime stage', () => {
    expect(runtime.find((line) => /^RUN .*npm ci\b/.test(line))).toMatch(/--omit=dev\b/);
    expect(runtime.join('\n')).not.toContain('npm run build');
  });

  it('carries what the apps read at run time', () => {
    for (const path of ['dist', 'bin', 'migrations', 'package.json']) {
      expect(
        runtime.some(
          (line) =>
            /^COPY\s/.test(line) &&
            line
              .split(/\s+/)
              .slice(1, -1)
              .some((source) => source.replace(/\/$/, '').split('/').at(-1) === path),
        ),
        path,
      ).toBe(true);
    }
  });

  it('runs as a non-root user, in production mode, with a HEALTHCHECK and the tenant API by default', () => {
    const user = last('USER')?.split(/\s+/)[1]?.split(':')[0];
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
    expect(runtime.join('\n')).toMatch(/^ENV NODE_ENV=production$/m);
    expect(last('HEALTHCHECK')).toContain('/health/live');
    expect(JSON.parse(last('CMD')!.slice('CMD '.length))).toEqual(['node', 'dist/apps/api/src/main.js']);
  });
});
