// What the machine offers for inference: GPU backend and names, VRAM, RAM, CPU threads.
import os from "node:os";
import { getLlamaGpuTypes, type Llama } from "node-llama-cpp";
import type { GpuType, HardwareInfo } from "../../common/engine/types";

/**
 * Reads the hardware through a loaded llama.cpp (`llama`, which knows the GPU it picked and its VRAM).
 * Without one, it reports the CPU, RAM and which GPU backends this build supports, and no GPU in use.
 */
export async function getHardwareInfo(llama?: Llama): Promise<HardwareInfo> {
  const supportedGpus = (await getLlamaGpuTypes("supported")) as GpuType[];
  const cpuThreads = typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
  if (!llama) {
    return { gpu: false, supportedGpus, gpuNames: [], ram: { total: os.totalmem(), free: os.freemem() }, cpuThreads };
  }
  const ram = await llama.getRamState();
  const info: HardwareInfo = {
    gpu: llama.gpu,
    supportedGpus,
    gpuNames: llama.gpu ? await llama.getGpuDeviceNames() : [],
    ram: { total: ram.total, free: ram.free },
    cpuThreads,
  };
  if (llama.gpu) {
    const vram = await llama.getVramState();
    info.vram = { total: vram.total, free: vram.free };
  }
  return info;
}

export function formatBytes(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value >= 100 || unit === 0 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}
