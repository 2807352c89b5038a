package dev.headwise.ffm.gpu;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LibraryCandidatesTest {
    private static final List<String> SONAMES =
            List.of("libcudart.so", "libcudart.so.13", "libcudart.so.12", "libcudart.so.11");

    @Test
    void withNothingInstalledOnlyTheSonamesAreTried(@TempDir Path empty) {
        assertEquals(SONAMES, LibraryCandidates.cudaRuntime(Map.of(), empty.resolve("absent")));
        assertEquals(SONAMES, LibraryCandidates.cudaRuntime(Map.of("LD_LIBRARY_PATH", ":/no/such/dir:"), empty));
    }

    @Test
    void librariesInLdLibraryPathAndTheJavacppCacheFollowTheSonames(@TempDir Path root) throws IOException {
        Path lib = Files.createDirectories(root.resolve("cuda/lib64"));
        touch(lib.resolve("libcudart.so.12.4.127"));
        touch(lib.resolve("libcudart.so.11.8.89"));
        touch(lib.resolve("libcublas.so.12"));
        Path cache = root.resolve("cache");
        Path cached = Files.createDirectories(cache.resolve("cuda-12.9-linux-x86_64.jar/org/bytedeco/cuda/linux-x86_64"));
        touch(cached.resolve("libcudart.so.12"));

        List<String> found = LibraryCandidates.cudaRuntime(Map.of("LD_LIBRARY_PATH", lib.toString()), cache);

        assertEquals(SONAMES, found.subList(0, 4));
        assertEquals(List.of(lib.resolve("libcudart.so.12.4.127").toString(), lib.resolve("libcudart.so.11.8.89").toString(),
                cached.resolve("libcudart.so.12").toString()), found.subList(4, found.size()));
    }

    private static void touch(Path file) throws IOException {
        Files.writeString(file, "");
    }
}
