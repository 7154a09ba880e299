package tandem.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class AllReduceCommandTest {
    @Test
    void printsOneCheckedLinePerLength() {
        // Without the validation layer: the installed layer mis-tracks timelines the relay thread
        // signals from the host and then stalls, even with one device (see VulkanAllReduceTest,
        // which tests the multi-device path). Tests run one class at a time, so the property is ours.
        String validation = System.getProperty("tandem.validation");
        System.setProperty("tandem.validation", "false");
        try {
            runOnOneDevice();
        } finally {
            if (validation == null) System.clearProperty("tandem.validation");
            else System.setProperty("tandem.validation", validation);
        }
    }

    private static void runOnOneDevice() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = TandemCli.run(new String[] {"allreduce", "--devices", "0", "--length", "300,1024", "--mode", "relay",
                "--rounds", "4", "--batches", "2"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        assertTrue(text.contains("| host relay | 1 | 300 | 8 | 0 | 0 |"), text);
        assertTrue(text.contains("| host relay | 1 | 1024 | 8 | 0 | 0 |"), text);
    }
}
