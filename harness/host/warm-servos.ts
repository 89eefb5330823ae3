// The warm pool as a host runs it (cucumber's hooks, the model runner): its servos spawned by the
// servo launcher (launcher.ts), off the host's thread — or by the host itself once the launcher
// cannot be used, which is logged once.
import type { Logger } from '../logging';
import { ServoChild } from './servo-child';
import { ServoLauncher } from './launcher';
import { warmServoCommand } from './spawn';
import { WarmPool } from './warm-pool';
import { warmPriority } from './priority';

export interface WarmServos {
  pool: WarmPool;
  /** End of the run: the idle servos are shut down (SIGKILL after graceMs), then the launcher exits. */
  close(graceMs: number): Promise<void>;
}

export function openWarmServos(size: number, logger: Logger): WarmServos {
  let launcher: ServoLauncher | null = null;
  try {
    launcher = ServoLauncher.start();
  } catch (e) {
    logger.warn({ err: String(e) }, 'the servo launcher could not be started: the host spawns warm servos itself');
  }
  let fellBack = false;
  const spawnWarm = async (): Promise<ServoChild> => {
    if (launcher !== null && launcher.broken === null) return ServoChild.launch(launcher, warmServoCommand());
    if (!fellBack && launcher !== null) logger.warn({ why: launcher.broken }, 'the servo launcher is gone: the host spawns warm servos itself');
    fellBack = true;
    return ServoChild.spawn(warmServoCommand());
  };
  const pool = new WarmPool(size, spawnWarm, warmPriority(), logger);
  pool.fill();
  return {
    pool,
    async close(graceMs) {
      await pool.drain(graceMs);
      launcher?.close();
    },
  };
}
