package graphsvc.neo4jserver;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.internal.helpers.HostnamePort;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

/**
 * A real Neo4j 5 Community DBMS with Bolt on 127.0.0.1, for local work and CI (scripts/neo4j.sh).
 *
 * <p>The DBMS lives in a home folder that survives a kill: started again with the same home and
 * port, it recovers its store, which the fault tests need (the test harness would start from an
 * empty random folder every time). When a plugins folder is given (OpenGDS), Neo4j loads the
 * procedures from its jars and {@code gds.*} runs unrestricted.
 *
 * <pre>
 * java ... graphsvc.neo4jserver.Main --home DIR [--port N] [--plugins DIR] [--password PW]
 *                                    [--pagecache BYTES]
 * </pre>
 * Prints {@code READY bolt://127.0.0.1:PORT} once Bolt is bound and writes the port to
 * {@code DIR/bolt.port}; stops cleanly on SIGTERM.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        Path home = null;
        Path plugins = null;
        int port = 0;
        String password = null;
        long pagecache = 64L << 20;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--home" -> home = Path.of(need(args[i], value));
                case "--port" -> port = Integer.parseInt(need(args[i], value));
                case "--plugins" -> plugins = Path.of(need(args[i], value));
                case "--password" -> password = need(args[i], value);
                case "--pagecache" -> pagecache = bytes(need(args[i], value));
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
            i++;
        }
        if (home == null) {
            throw new IllegalArgumentException("--home DIR is required");
        }
        Files.createDirectories(home);

        DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(GraphDatabaseSettings.auth_enabled, password != null)
                .setConfig(GraphDatabaseSettings.pagecache_memory, pagecache)
                // A test server: keep one transaction log file, not a week of them.
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "1 files")
                .setConfig(GraphDatabaseSettings.logical_log_rotation_threshold, 16L << 20)
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false);
        if (plugins != null) {
            builder.setConfig(GraphDatabaseSettings.plugin_dir, plugins)
                    .setConfig(GraphDatabaseSettings.procedure_unrestricted, List.of("gds.*"));
        }
        DatabaseManagementService dbms = builder.build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dbms.shutdown();
            stopped.countDown();
        }, "neo4j-shutdown"));

        if (password != null) {
            setPassword(dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME), password);
        }
        GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        HostnamePort bolt = ((GraphDatabaseAPI) db).getDependencyResolver()
                .resolveDependency(ConnectorPortRegister.class)
                .getLocalAddress(ConnectorType.BOLT);
        if (bolt == null) {
            throw new IllegalStateException("the Bolt connector did not bind");
        }
        // Written last and atomically: a reader that sees the file can connect.
        Path portFile = home.resolve("bolt.port");
        Path tmp = home.resolve("bolt.port.tmp");
        Files.writeString(tmp, bolt.getPort() + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, portFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("READY bolt://127.0.0.1:" + bolt.getPort() + (plugins == null ? "" : procedures(db)));
        System.out.flush();
        stopped.await();
    }

    /** "128m" → bytes; plain digits are bytes. */
    private static long bytes(String size) {
        String s = size.trim().toLowerCase(java.util.Locale.ROOT);
        int shift = switch (s.isEmpty() ? ' ' : s.charAt(s.length() - 1)) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            default -> 0;
        };
        return Long.parseLong(shift == 0 ? s : s.substring(0, s.length() - 1)) << shift;
    }

    private static String need(String flag, String value) {
        if (value == null) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return value;
    }

    /** The password of user neo4j, set as an administrator would, without a forced change. */
    private static void setPassword(GraphDatabaseService system, String password) {
        system.executeTransactionally(
                "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED",
                java.util.Map.of("pw", password));
    }

    /** " (gds N procedures)" when OpenGDS loaded: the log says at once whether the plugin works. */
    private static String procedures(GraphDatabaseService db) {
        List<String> names = new ArrayList<>();
        db.executeTransactionally(
                "SHOW PROCEDURES YIELD name WHERE name STARTS WITH 'gds.' RETURN name",
                java.util.Map.of(),
                result -> {
                    result.forEachRemaining(row -> names.add((String) row.get("name")));
                    return null;
                });
        return names.isEmpty() ? "" : " (gds: " + names.size() + " procedures)";
    }
}
