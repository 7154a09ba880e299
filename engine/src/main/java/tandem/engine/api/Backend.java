package tandem.engine.api;

/** Which implementation runs the model. AUTO means Vulkan when a device exists, else CPU. */
public enum Backend { AUTO, CPU, VULKAN }
