package tandem.engine.vulkan;

import java.util.ArrayList;
import java.util.List;
import tandem.engine.api.CacheType;
import tandem.engine.api.DeviceInfo;
import tandem.engine.api.DevicePlan;

/** Which kernels a load's prompts run on each of its devices, in words, so benchmark figures name their path. */
public final class KernelChoices {
    private KernelChoices() {}

    /**
     * E.g. "prompt kernel (steps of >= 8 tokens): coopmat (128x64x32 by shape), attention coopmat, decode int8
     * on device 0 (NVIDIA H100)".
     *
     * @param headDim   the model's head size: the matrix-unit attention is built for some sizes only
     * @param cacheType the KV cache's type: the matrix-unit attention reads F16 caches only
     */
    public static String describe(List<DevicePlan> devices, List<DeviceInfo> known, int headDim, CacheType cacheType) {
        List<String> parts = new ArrayList<>();
        for (DevicePlan d : devices) {
            known.stream().filter(i -> i.index() == d.physicalIndex()).findFirst().ifPresent(info -> {
                PromptKernel k = PromptKernel.choose(info);
                parts.add(k.label() + (k == PromptKernel.COOPMAT ? " (" + CoopmatTile.describeChoice() + ")" : "")
                        + ", attention " + attention(info, headDim, cacheType) + ", decode "
                        + (Int8Decode.servesOn(info) ? "int8" : "float") + " on device " + info.index() + " (" + info.name() + ")");
            });
        }
        return "prompt kernel (steps of >= " + GpuOps.MATMUL_MIN_TOKENS + " tokens): " + String.join(", ", parts);
    }

    /** The prompt attention GpuOps#attention takes on this device, as far as the device's features tell. */
    private static String attention(DeviceInfo info, int headDim, CacheType cacheType) {
        AttentionKernel forced = AttentionKernel.forced();
        boolean units = AttentionKernel.wantsMatrixUnits(forced, cacheType)
                && info.features().contains(PhysicalDevice.Features.COOPMAT) && Kernels.COOPMAT_ATTENTION_HEADS.contains(headDim);
        if (units) return AttentionKernel.COOPMAT.label();
        return forced == AttentionKernel.ROWS ? forced.label() : AttentionKernel.TILED.label();
    }
}
