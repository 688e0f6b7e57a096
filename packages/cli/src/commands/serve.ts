import { Option } from 'commander';
import { GanforgeError } from '@ganforge/core';
import type { DeviceChoice } from '@ganforge/serve';
// The settings table only: the server itself (onnxruntime-node, sharp, express) loads on use.
import { SERVE_SETTINGS, type NumericSetting, type NumericSettingName } from '@ganforge/serve/settings';
import { collect, integer } from '../options.ts';
import type { RegisterCommand } from './index.ts';
import { version } from '../version.ts';

interface ServeFlags {
  models: string;
  port: number;
  host: string;
  grpcHost?: string;
  device: DeviceChoice;
  corsOrigin: string[];
  rateLimit: number;
  watch: boolean;
  logLevel: string;
}

export const registerServe: RegisterCommand = (program) => {
  const command = program
    .command('serve')
    .description(
      'Serve every model in a models folder over HTTP (REST /v1, KServe v2, /metrics, /openapi.json)',
    )
    .option('--models <dir>', 'folder of <name>/model.onnx + card.json', 'models')
    .option('--port <n>', 'port to listen on (0 = any free port)', integer(0, 65535), 8080)
    .option('--host <address>', 'address to bind (0.0.0.0 to accept other machines)', '127.0.0.1')
    .option('--grpc-host <address>', 'address the gRPC listener binds (default: --host)')
    .addOption(
      new Option(
        '--device <device>',
        'execution provider: auto tries CUDA, then WebGPU, then CPU (one log line per provider skipped); cuda and webgpu fail if theirs is missing',
      )
        .choices(['auto', 'cuda', 'webgpu', 'cpu'])
        .default('auto'),
    );
  // The numeric settings, their defaults and ranges come from the server's one table.
  const attributes = new Map<NumericSettingName, string>();
  for (const [name, spec] of Object.entries(SERVE_SETTINGS) as [NumericSettingName, NumericSetting][]) {
    const option = new Option(spec.flag, spec.description)
      .argParser(integer(spec.min, spec.max))
      .default(spec.default);
    attributes.set(name, option.attributeName());
    command.addOption(option);
  }
  command
    .addOption(
      new Option('--cors-origin <origin>', "allowed CORS origin, repeatable ('*' = any, 'none' = CORS off)")
        .argParser(collect)
        .default([], "'*' (any origin)"),
    )
    .option('--rate-limit <n>', 'requests per minute per client IP (0 = no limit)', integer(0, 1_000_000), 0)
    .option('--no-watch', 'do not reload models when the folder changes')
    .addOption(
      new Option('--log-level <level>', 'log level')
        .choices(['fatal', 'error', 'warn', 'info', 'debug', 'silent'])
        .default('info'),
    )
    .action(async (flags: ServeFlags & Record<string, unknown>) => {
      const numeric = Object.fromEntries(
        [...attributes].map(([name, attribute]) => [name, flags[attribute] as number]),
      ) as Record<NumericSettingName, number>;
      const origins =
        flags.corsOrigin.length === 0 ? ['*'] : flags.corsOrigin.includes('none') ? [] : flags.corsOrigin;
      // Loaded on use: onnxruntime-node, sharp and express are not needed by the other commands.
      const { createServer } = await import('@ganforge/serve');
      const { mountWeb } = await import('@ganforge/web');
      const server = createServer({
        modelsDir: flags.models,
        device: flags.device,
        ...numeric,
        ...(flags.grpcHost ? { grpcHost: flags.grpcHost } : {}),
        corsOrigins: origins,
        ...(flags.rateLimit > 0 ? { rateLimit: { windowMs: 60_000, limit: flags.rateLimit } } : {}),
        watch: flags.watch,
        logLevel: flags.logLevel,
        version,
        // The browser sampler page at / and the embeddable <gan-sampler> at /embed/gan-sampler.js; model
        // files are the bytes each model's serving version was loaded from, under the same CORS policy.
        mount: (app) =>
          mountWeb(app, {
            modelFiles: (name) => server.registry.get(name)?.files,
            corsOrigins: origins,
          }),
      });
      try {
        await server.loaded;
      } catch (e) {
        await server.close();
        throw e;
      }
      const models = server.registry.list();
      if (flags.device === 'cuda' || flags.device === 'webgpu') {
        const gpu = flags.device;
        const pattern = gpu === 'cuda' ? /cuda/i : /webgpu/i;
        const missing = models.find((m) => m.status === 'failed' && pattern.test(m.error?.message ?? ''));
        if (missing) {
          await server.close();
          throw new GanforgeError(
            `${gpu}_unavailable`,
            `--device ${gpu}: the ${gpu === 'cuda' ? 'CUDA' : 'WebGPU'} execution provider is not available (${missing.error?.message.slice(0, 200)})`,
            {
              hint:
                gpu === 'cuda'
                  ? 'install onnxruntime-node with its CUDA libraries (see README), or use --device auto'
                  : 'WebGPU needs a GPU with a Vulkan driver (libvulkan.so.1 and the vendor ICD; see README, Backends), or use --device auto',
            },
          );
        }
      }
      if (models.length === 0)
        server.logger.warn(
          { models: flags.models },
          `no models found in ${flags.models}; waiting for some to appear`,
        );
      let url: string;
      let grpc: { address: string } | undefined;
      try {
        ({ url, grpc } = await server.listen(flags.port, flags.host));
      } catch (e) {
        // Not listening: stop the session workers and the watcher too, so the process exits.
        await server.close();
        throw e;
      }
      process.stderr.write(
        `ganforge: serving ${models.filter((m) => m.status === 'ready').length}/${models.length} model(s) at ${url}` +
          ` (sampler page: ${url}, embed: ${url.replace(/\/$/, '')}/embed/gan-sampler.js)\n`,
      );
      if (grpc) process.stderr.write(`ganforge: Open Inference Protocol over gRPC at ${grpc.address}\n`);
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          server.logger.info({ signal }, 'draining in-flight requests');
          process.off('SIGTERM', onTerm);
          process.off('SIGINT', onInt);
          void server.close().then(resolve);
        };
        const onTerm = () => stop('SIGTERM');
        const onInt = () => stop('SIGINT');
        process.on('SIGTERM', onTerm);
        process.on('SIGINT', onInt);
      });
    });
};
