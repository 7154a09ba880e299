package tandem.engine.vulkan;

import static org.lwjgl.system.MemoryStack.stackPush;
import static org.lwjgl.system.MemoryUtil.memAlloc;
import static org.lwjgl.system.MemoryUtil.memFree;
import static org.lwjgl.vulkan.KHRPushDescriptor.VK_DESCRIPTOR_SET_LAYOUT_CREATE_PUSH_DESCRIPTOR_BIT_KHR;
import static org.lwjgl.vulkan.VK10.*;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.lwjgl.system.MemoryStack;
import org.lwjgl.vulkan.VkComputePipelineCreateInfo;
import org.lwjgl.vulkan.VkDescriptorSetLayoutBinding;
import org.lwjgl.vulkan.VkDescriptorSetLayoutCreateInfo;
import org.lwjgl.vulkan.VkPipelineLayoutCreateInfo;
import org.lwjgl.vulkan.VkPushConstantRange;
import org.lwjgl.vulkan.VkShaderModuleCreateInfo;
import org.lwjgl.vulkan.VkSpecializationInfo;
import org.lwjgl.vulkan.VkSpecializationMapEntry;

/**
 * A compute pipeline made from a SPIR-V file that the build compiled into the engine's resources
 * ({@code /shaders/NAME.spv}). All its buffers are storage buffers at set 0, bindings 0..n-1,
 * bound by push descriptors; specialization constants are 32-bit values with ids 0..k-1 (shaders
 * put their workgroup size there too); push constants are 32-bit words.
 */
public final class ComputePipeline implements DeviceResource {
    private final VulkanDevice device;
    private final String name;
    private final int bindings;
    private final int pushWords;
    private final long setLayout;
    private final long layout;
    private final long pipeline;
    private boolean closed;

    private ComputePipeline(VulkanDevice device, String name, int bindings, int pushWords, long setLayout,
                            long layout, long pipeline) {
        this.device = device;
        this.name = name;
        this.bindings = bindings;
        this.pushWords = pushWords;
        this.setLayout = setLayout;
        this.layout = layout;
        this.pipeline = pipeline;
    }

    /**
     * @param shader         resource name without extension, e.g. "matvec_q4_0"
     * @param bindings       number of storage buffers
     * @param pushWords      number of 32-bit push constant words
     * @param specConstants  values for constant ids 0..n-1
     */
    public static ComputePipeline create(VulkanDevice device, String shader, int bindings, int pushWords, int... specConstants) {
        ByteBuffer code = loadSpirv(shader);
        long module = VK_NULL_HANDLE, setLayout = VK_NULL_HANDLE, layout = VK_NULL_HANDLE;
        try (MemoryStack stack = stackPush()) {
            var p = stack.mallocLong(1);
            VkCheck.check(vkCreateShaderModule(device.handle(),
                    VkShaderModuleCreateInfo.calloc(stack).sType$Default().pCode(code), null, p), "vkCreateShaderModule " + shader);
            module = p.get(0);

            VkDescriptorSetLayoutBinding.Buffer b = VkDescriptorSetLayoutBinding.calloc(bindings, stack);
            for (int i = 0; i < bindings; i++) {
                b.get(i).binding(i).descriptorType(VK_DESCRIPTOR_TYPE_STORAGE_BUFFER).descriptorCount(1)
                        .stageFlags(VK_SHADER_STAGE_COMPUTE_BIT);
            }
            VkCheck.check(vkCreateDescriptorSetLayout(device.handle(), VkDescriptorSetLayoutCreateInfo.calloc(stack)
                    .sType$Default().flags(VK_DESCRIPTOR_SET_LAYOUT_CREATE_PUSH_DESCRIPTOR_BIT_KHR).pBindings(b), null, p),
                    "vkCreateDescriptorSetLayout " + shader);
            setLayout = p.get(0);

            VkPipelineLayoutCreateInfo li = VkPipelineLayoutCreateInfo.calloc(stack).sType$Default()
                    .pSetLayouts(stack.longs(setLayout));
            if (pushWords > 0) {
                li.pPushConstantRanges(VkPushConstantRange.calloc(1, stack)
                        .stageFlags(VK_SHADER_STAGE_COMPUTE_BIT).offset(0).size(pushWords * 4));
            }
            VkCheck.check(vkCreatePipelineLayout(device.handle(), li, null, p), "vkCreatePipelineLayout " + shader);
            layout = p.get(0);

            VkSpecializationInfo spec = null;
            if (specConstants.length > 0) {
                VkSpecializationMapEntry.Buffer entries = VkSpecializationMapEntry.calloc(specConstants.length, stack);
                ByteBuffer data = stack.malloc(specConstants.length * 4);
                for (int i = 0; i < specConstants.length; i++) {
                    entries.get(i).constantID(i).offset(i * 4).size(4);
                    data.putInt(i * 4, specConstants[i]);
                }
                spec = VkSpecializationInfo.calloc(stack).pMapEntries(entries).pData(data);
            }
            VkComputePipelineCreateInfo.Buffer ci = VkComputePipelineCreateInfo.calloc(1, stack);
            ci.get(0).sType$Default().layout(layout).stage().sType$Default().stage(VK_SHADER_STAGE_COMPUTE_BIT)
                    .module(module).pName(stack.UTF8("main")).pSpecializationInfo(spec);
            VkCheck.check(vkCreateComputePipelines(device.handle(), VK_NULL_HANDLE, ci, null, p),
                    "vkCreateComputePipelines " + shader + " " + Arrays.toString(specConstants));
            ComputePipeline cp = new ComputePipeline(device, shader, bindings, pushWords, setLayout, layout, p.get(0));
            device.track(cp);
            return cp;
        } catch (RuntimeException e) {
            if (layout != VK_NULL_HANDLE) vkDestroyPipelineLayout(device.handle(), layout, null);
            if (setLayout != VK_NULL_HANDLE) vkDestroyDescriptorSetLayout(device.handle(), setLayout, null);
            throw e;
        } finally {
            if (module != VK_NULL_HANDLE) vkDestroyShaderModule(device.handle(), module, null);
            memFree(code);
        }
    }

    private static ByteBuffer loadSpirv(String shader) {
        String resource = "/shaders/" + shader + ".spv";
        try (InputStream in = ComputePipeline.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("shader " + resource + " is not in the engine's resources; rebuild");
            byte[] bytes = in.readAllBytes();
            ByteBuffer code = memAlloc(bytes.length);
            code.put(bytes).flip();
            return code;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
    }

    public String name() { return name; }

    public int bindings() { return bindings; }

    public int pushWords() { return pushWords; }

    long handle() { return pipeline; }

    long layout() { return layout; }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        vkDestroyPipeline(device.handle(), pipeline, null);
        vkDestroyPipelineLayout(device.handle(), layout, null);
        vkDestroyDescriptorSetLayout(device.handle(), setLayout, null);
        device.untrack(this);
    }
}
