package tandem.engine.vulkan;

/**
 * Rotary position embedding as the kernels apply it: the table of cos/sin per position and pair, the
 * rotated dimensions of a head (all or a leading part), and the pairing (NeoX halves or adjacent).
 */
public record Rotary(BufferRange table, int dims, boolean neox) {}
