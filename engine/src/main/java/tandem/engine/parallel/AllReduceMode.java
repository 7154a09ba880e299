package tandem.engine.parallel;

import java.util.Locale;

import tandem.engine.api.TandemException;

/**
 * How devices learn that their peers' partials are in host memory. AUTO picks shared semaphores
 * where every device's driver can share them and the host relay elsewhere; the other two force
 * one path (tests force the relay; a forced path that cannot run is an error, never a fall-back).
 */
public enum AllReduceMode {
    AUTO, SHARED_SEMAPHORES, HOST_RELAY;

    /** The system property {@code tandem.allreduce} = auto | shared | relay. */
    public static AllReduceMode fromSystemProperty() {
        return parse(System.getProperty("tandem.allreduce", "auto"));
    }

    public static AllReduceMode parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "auto" -> AUTO;
            case "shared" -> SHARED_SEMAPHORES;
            case "relay" -> HOST_RELAY;
            default -> throw new TandemException("unknown all-reduce mode '" + text + "'; use auto, shared or relay");
        };
    }
}
