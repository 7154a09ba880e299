package tandem.engine.api;

import java.util.List;

/**
 * One compute device as the user sees it: a Vulkan physical device, or the CPU.
 *
 * @param index         index as listed by {@code tandem devices} (what {@code --devices} takes)
 * @param name          marketing name, e.g. "NVIDIA H100 80GB HBM3"
 * @param vendor        vendor name, e.g. "NVIDIA"
 * @param driver        driver name and version
 * @param type          "discrete", "integrated", "virtual", "cpu", ...
 * @param vramTotal     device-local heap size in bytes
 * @param vramFree      free device-local memory in bytes (budget where the driver reports it)
 * @param subgroupSize  subgroup (warp/wave) size
 * @param features      notable features, e.g. "fp16", "int8-dot", "coopmat", "ext-mem-host"
 */
public record DeviceInfo(int index, String name, String vendor, String driver, String type,
                         long vramTotal, long vramFree, int subgroupSize, List<String> features) {
    public DeviceInfo {
        features = List.copyOf(features);
    }
}
