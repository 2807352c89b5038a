package dev.headwise.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ./mvnw on a machine without Maven: it fetches the distribution the wrapper's properties name from
 * MVNW_REPOURL, checks its SHA-512 and runs it, and says what to do when it cannot. A copy of ./mvnw runs
 * in a scratch project whose properties name a small stand-in distribution (its mvn prints its arguments),
 * with a PATH that has every command of this machine but mvn.
 */
class MavenWrapperTest {
    private static final String DIST = "org/apache/maven/apache-maven/9.9.9/apache-maven-9.9.9-bin.tar.gz";

    @TempDir
    Path dir;
    private Path project;
    private Path repo;
    private Path userHome;
    private Path path;
    private byte[] tarball;

    @BeforeEach
    void setUp() throws Exception {
        project = Files.createDirectories(dir.resolve("project"));
        Files.createDirectories(project.resolve("scripts"));
        Files.copy(Path.of("mvnw"), project.resolve("mvnw"));
        Files.copy(Path.of("scripts/find-jdk.sh"), project.resolve("scripts/find-jdk.sh"));
        Properties shipped = new Properties();
        try (var in = Files.newBufferedReader(Path.of(".mvn/wrapper/maven-wrapper.properties"))) {
            shipped.load(in);
        }
        assertTrue(shipped.getProperty("distributionPath").endsWith("-bin.tar.gz"), shipped.toString());
        assertEquals(128, shipped.getProperty("distributionSha512").length(), "the shipped SHA-512 is 128 hex digits");

        Path dist = Files.createDirectories(dir.resolve("dist/apache-maven-9.9.9/bin"));
        Path mvn = Files.writeString(dist.resolve("mvn"), "#!/bin/sh\necho \"stand-in maven: $*\"\n");
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
        repo = dir.resolve("repo");
        Path archive = Files.createDirectories(repo.resolve(DIST).getParent()).resolve(Path.of(DIST).getFileName());
        assertEquals(0, new ProcessBuilder("tar", "-czf", archive.toString(), "-C", dir.resolve("dist").toString(),
                "apache-maven-9.9.9").inheritIO().start().waitFor());
        tarball = Files.readAllBytes(archive);
        writeProperties(sha512(tarball));

        userHome = dir.resolve("m2");
        path = Files.createDirectories(dir.resolve("bin"));
        for (String folder : List.of("/usr/bin", "/bin")) {
            try (Stream<Path> commands = Files.list(Path.of(folder))) {
                for (Path c : (Iterable<Path>) commands::iterator) {
                    Path link = path.resolve(c.getFileName().toString());
                    if (!c.getFileName().toString().equals("mvn") && !Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
                        Files.createSymbolicLink(link, c);
                    }
                }
            }
        }
    }

    @Test
    void withoutMavenOrARepositoryItSaysWhatToSetAndWritesNothing() throws Exception {
        Result r = mvnw(Map.of(), "-v");
        assertEquals(1, r.status(), r.toString());
        assertTrue(r.stderr().contains("Maven (mvn) is not installed") && r.stderr().contains("MVNW_REPOURL"), r.stderr());
        assertFalse(Files.exists(userHome), "nothing is written before a fetch");
    }

    @Test
    void fetchesChecksAndRunsTheDistributionOnceThenReusesIt() throws Exception {
        Result first = mvnw(Map.of("MVNW_REPOURL", repo.toUri().toString()), "verify", "-q");
        assertEquals(0, first.status(), first.toString());
        assertEquals("stand-in maven: verify -q", first.stdout().strip());
        Path installed = userHome.resolve("wrapper/dists/apache-maven-9.9.9/bin/mvn");
        assertTrue(Files.isExecutable(installed));

        Files.delete(repo.resolve(DIST));                                   // the second run must not fetch
        Result second = mvnw(Map.of("CI", "true"), "package");
        assertEquals(0, second.status(), second.toString());
        assertEquals("stand-in maven: -B -ntp package", second.stdout().strip());
    }

    @Test
    void aDistributionWithAnotherChecksumIsRefusedAndLeavesNothing() throws Exception {
        tarball[tarball.length / 2] ^= 1;
        writeProperties(sha512(tarball));                                   // not the archive's checksum any more
        Result r = mvnw(Map.of("MVNW_REPOURL", repo.toUri().toString()), "-v");
        assertEquals(1, r.status(), r.toString());
        assertTrue(r.stderr().contains("does not have the SHA-512"), r.stderr());
        try (Stream<Path> left = Files.list(userHome.resolve("wrapper/dists"))) {
            assertEquals(List.of(), left.toList(), "no distribution and no temporary folder is left");
        }
    }

    @Test
    void anUnreachableRepositoryIsOneClearError() throws Exception {
        Result r = mvnw(Map.of("MVNW_REPOURL", dir.resolve("no-such-repo").toUri().toString()), "-v");
        assertEquals(1, r.status(), r.toString());
        assertTrue(r.stderr().contains("could not fetch"), r.stderr());
        try (Stream<Path> left = Files.list(userHome.resolve("wrapper/dists"))) {
            assertEquals(List.of(), left.toList());
        }
    }

    @Test
    void anInstalledMavenIsUsedAsItIs() throws Exception {
        Path mvn = Files.writeString(path.resolve("mvn"), "#!/bin/sh\necho \"installed maven: $*\"\n");
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
        Result r = mvnw(Map.of(), "-v");
        assertEquals(0, r.status(), r.toString());
        assertEquals("installed maven: -v", r.stdout().strip());
        assertFalse(Files.exists(userHome));
    }

    private void writeProperties(String sha) throws IOException {
        Path props = Files.createDirectories(project.resolve(".mvn/wrapper")).resolve("maven-wrapper.properties");
        Files.writeString(props, "distributionPath=" + DIST + "\ndistributionSha512=" + sha + "\n");
    }

    private static String sha512(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(bytes));
    }

    private record Result(int status, String stdout, String stderr) {}

    private Result mvnw(Map<String, String> env, String... args) throws Exception {
        var command = new ArrayList<>(List.of(path.resolve("bash").toString(), project.resolve("mvnw").toString()));
        command.addAll(List.of(args));
        var pb = new ProcessBuilder(command);
        pb.environment().remove("MVNW_REPOURL");
        pb.environment().remove("CI");
        pb.environment().put("PATH", path.toString());
        pb.environment().put("MAVEN_USER_HOME", userHome.toString());
        pb.environment().putAll(env);
        Path out = dir.resolve("out.txt"), err = dir.resolve("err.txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        int status = pb.start().waitFor();
        return new Result(status, Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }
}
