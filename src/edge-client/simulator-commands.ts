/**
 * The simulator half of `uservm-edge`: upload a labelled folder, wait for the camera's model
 * (download, verify, activate), play a folder of frames through the model as an edge would (an
 * event with an age-encrypted clip on every trigger), send one event by hand, and report telemetry. Long steps print
 * their progress on the terminal.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { Encrypter } from 'age-encryption';
import sharp from 'sharp';
import { CaeRunner } from './cae-runner.js';
import { EdgeSession, type InstalledModel } from './edge-session.js';

const IMAGE = /\.(jpe?g|png|webp)$/i;
const images = (dir: string) =>
  fs
    .readdirSync(dir)
    .filter((f) => IMAGE.test(f))
    .sort()
    .map((f) => path.join(dir, f));
const progress = (label: string, done: number, total: number) =>
  process.stderr.write(
    `\r${label}: ${done}/${total} (${Math.round((100 * done) / Math.max(1, total))}%)   ${done === total ? '\n' : ''}`,
  );
const modelFile = (stateDir: string, camera: string) => path.join(stateDir, 'models', `${camera}.json`);

interface Common {
  stateDir: string;
  endpoint?: string;
}

export function simulatorCommands(program: Command): void {
  const common = (cmd: Command) =>
    cmd
      .requiredOption('--state-dir <dir>', 'identity folder from enroll')
      .option('--endpoint <host:port>', 'override the gRPC endpoint from enrollment');

  common(
    program
      .command('upload-dataset')
      .description('stream a folder of images as labelled snapshots of a camera'),
  )
    .requiredOption('--camera <id>', 'camera id')
    .requiredOption('--dir <folder>', 'the images')
    .option('--label <label>', 'normal, abnormal, threat or a custom label', 'normal')
    .option('--light <light>', 'day, night, dusk or dawn')
    .action(async (o: Common & { camera: string; dir: string; label: string; light?: string }) => {
      const files = images(o.dir);
      const session = EdgeSession.open(o.stateDir, o.endpoint);
      const r = await session.uploadSnapshots(
        o.camera,
        files.map((f) => ({
          label: o.label,
          image: fs.readFileSync(f),
          capturedAt: fs.statSync(f).mtimeMs,
          ...(o.light ? { conditions: { light: o.light } } : {}),
        })),
        (n) => progress('uploading', n, files.length),
      );
      console.log(
        JSON.stringify(
          { datasetId: r.datasetId, accepted: r.accepted, duplicates: r.duplicates, refused: r.refused },
          null,
          2,
        ),
      );
    });

  common(
    program
      .command('wait-model')
      .description("wait for the camera's model, download and verify it, load it, and report it activated"),
  )
    .requiredOption('--camera <id>', 'camera id')
    .option('--timeout-s <s>', 'give up after this long', (v) => Number(v), 1800)
    .action(async (o: Common & { camera: string; timeoutS: number }) => {
      const session = EdgeSession.open(o.stateDir, o.endpoint);
      process.stderr.write(`waiting for a model for camera ${o.camera}...\n`);
      const m = await session.installModel(o.camera, {
        timeoutMs: o.timeoutS * 1000,
        onProgress: (b, t) => progress('downloading', b, t),
      });
      const runner = await CaeRunner.load(m);
      const probe = await runner.score(await blank(runner.width, runner.height));
      await runner.close();
      await session.reportActivated(m, { triggerRatePerHour: 0, inferenceLatencyMs: probe.ms });
      fs.writeFileSync(
        modelFile(o.stateDir, o.camera),
        JSON.stringify(m, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2),
      );
      console.log(
        JSON.stringify({
          camera: o.camera,
          modelId: m.assignment.modelId,
          version: m.assignment.version,
          threshold: m.assignment.threshold,
          file: m.file,
        }),
      );
    });

  common(
    program
      .command('run')
      .description(
        "play a folder of frames through the camera's model; send an event with an encrypted clip on every trigger",
      ),
  )
    .requiredOption('--camera <id>', 'camera id')
    .requiredOption('--frames <folder>', 'frames in order')
    .requiredOption(
      '--recipient <key>',
      "the owner's age public key (clips are encrypted to it here, on the edge)",
    )
    .option('--fps <n>', 'frames per second of the source', (v) => Number(v), 2.5)
    .option('--event-frames <n>', 'frames per event (the trigger and the ones after it)', (v) => Number(v), 3)
    .option('--light <light>', 'day or night', 'day')
    .action(
      async (
        o: Common & {
          camera: string;
          frames: string;
          recipient: string;
          fps: number;
          eventFrames: number;
          light: string;
        },
      ) => {
        const session = EdgeSession.open(o.stateDir, o.endpoint);
        const m = JSON.parse(fs.readFileSync(modelFile(o.stateDir, o.camera), 'utf8')) as InstalledModel;
        const runner = await CaeRunner.load(m);
        const files = images(o.frames);
        const start = Date.now() - (files.length / o.fps) * 1000;
        let sent = 0;
        for (let i = 0; i < files.length; i++) {
          const frame = fs.readFileSync(files[i]!);
          const { score } = await runner.score(frame);
          progress('playing', i + 1, files.length);
          if (score <= runner.threshold) continue;
          const group = files.slice(i, i + o.eventFrames).map((f, k) => ({
            image: fs.readFileSync(f),
            capturedAt: Math.round(start + ((i + k) / o.fps) * 1000),
          }));
          const { eventId } = await session.uploadEvent({
            cameraId: o.camera,
            key: `${path.basename(files[i]!)}-${start}`,
            startedAt: group[0]!.capturedAt,
            frames: group,
            edgeScore: score,
            threshold: runner.threshold,
            modelId: m.assignment.modelId,
            modelVersion: m.assignment.version,
            light: o.light,
          });
          const e = new Encrypter();
          e.addRecipient(o.recipient);
          await session.uploadClip(eventId, await e.encrypt(Buffer.concat(group.map((g) => g.image))));
          sent++;
          process.stderr.write(
            `\nevent ${eventId}: ${path.basename(files[i]!)} scored ${score.toExponential(2)} > ${runner.threshold.toExponential(2)}\n`,
          );
          i += o.eventFrames - 1;
        }
        await runner.close();
        console.log(JSON.stringify({ frames: files.length, events: sent }));
      },
    );

  common(
    program
      .command('send-event')
      .description(
        'send one event with these frames now, without a model (a motion trigger): to try a new install end to end',
      ),
  )
    .requiredOption('--camera <id>', 'camera id')
    .argument('<frames...>', 'JPEG/PNG files, in order')
    .option('--light <light>', 'day or night', 'day')
    .action(async (files: string[], o: Common & { camera: string; light: string }) => {
      const session = EdgeSession.open(o.stateDir, o.endpoint);
      const now = Date.now();
      const frames = files.map((f, k) => ({
        image: fs.readFileSync(f),
        capturedAt: now - (files.length - k) * 400,
      }));
      const { eventId } = await session.uploadEvent({
        cameraId: o.camera,
        key: `send-event-${now}`,
        startedAt: frames[0]!.capturedAt,
        frames,
        trigger: 'motion',
        light: o.light,
      });
      console.log(JSON.stringify({ eventId, frames: frames.length }));
    });

  common(program.command('telemetry').description('send one telemetry report for the cameras'))
    .requiredOption('--cameras <ids>', 'comma-separated camera ids')
    .action(async (o: Common & { cameras: string }) => {
      const session = EdgeSession.open(o.stateDir, o.endpoint);
      await session.reportTelemetry(
        o.cameras.split(',').map((cameraId) => ({
          cameraId,
          fps: 10,
          inferenceLatencyMs: 5,
          triggerRatePerHour: 0,
          modelVersion: '',
        })),
      );
      console.log('telemetry sent');
    });
}

function blank(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: 'grey' } })
    .jpeg()
    .toBuffer();
}
