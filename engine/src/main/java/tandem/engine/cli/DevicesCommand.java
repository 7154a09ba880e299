package tandem.engine.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import tandem.engine.api.DeviceInfo;
import tandem.engine.Engine;

/** {@code tandem devices [--json]}: the Vulkan devices with the index that {@code --devices} takes. */
final class DevicesCommand {
    private DevicesCommand() {}

    static int run(String[] args, PrintStream out, PrintStream err) {
        boolean json = false;
        for (String a : args) {
            if (a.equals("--json")) json = true;
            else {
                err.println("tandem devices: unknown option '" + a + "'; usage: tandem devices [--json]");
                return 2;
            }
        }
        List<DeviceInfo> devices = Engine.devices();
        if (json) {
            try {
                out.println(new ObjectMapper().writeValueAsString(devices));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            return 0;
        }
        if (devices.isEmpty()) {
            err.println("tandem devices: no Vulkan device found; install a Vulkan driver (e.g. apt-get install mesa-vulkan-drivers)");
            return 1;
        }
        out.println("| index | name | vendor | driver | type | VRAM total | VRAM free | subgroup | features |");
        out.println("|---|---|---|---|---|---|---|---|---|");
        for (DeviceInfo d : devices) {
            out.printf(Locale.ROOT, "| %d | %s | %s | %s | %s | %s | %s | %d | %s |%n", d.index(), d.name(), d.vendor(),
                    d.driver(), d.type(), gib(d.vramTotal()), gib(d.vramFree()), d.subgroupSize(), String.join(" ", d.features()));
        }
        return 0;
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (1024.0 * 1024 * 1024));
    }
}
