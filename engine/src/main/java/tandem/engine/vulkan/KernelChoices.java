package tandem.engine.vulkan;

import java.util.ArrayList;
import java.util.List;
import tandem.engine.api.DeviceInfo;
import tandem.engine.api.DevicePlan;

/** Which kernels a load's prompts run on each of its devices, in words, so benchmark figures name their path. */
public final class KernelChoices {
    private KernelChoices() {}

    /** E.g. "prompt kernel (steps of >= 8 tokens): coopmat (128x64x32 by shape), attention tiled on device 0 (NVIDIA H100)". */
    public static String describe(List<DevicePlan> devices, List<DeviceInfo> known) {
        AttentionKernel forcedAttention = AttentionKernel.forced();
        String attention = forcedAttention == null ? AttentionKernel.TILED.label() : forcedAttention.label();
        List<String> parts = new ArrayList<>();
        for (DevicePlan d : devices) {
            known.stream().filter(i -> i.index() == d.physicalIndex()).findFirst().ifPresent(info -> {
                PromptKernel k = PromptKernel.choose(info);
                parts.add(k.label() + (k == PromptKernel.COOPMAT ? " (" + CoopmatTile.describeChoice() + ")" : "")
                        + ", attention " + attention + " on device " + info.index() + " (" + info.name() + ")");
            });
        }
        return "prompt kernel (steps of >= " + GpuOps.MATMUL_MIN_TOKENS + " tokens): " + String.join(", ", parts);
    }
}
