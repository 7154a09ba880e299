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
        // one device: the validation layer the tests run under mis-tracks host-relayed timelines
        // across devices (see VulkanAllReduceTest); the multi-device path is tested there
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
