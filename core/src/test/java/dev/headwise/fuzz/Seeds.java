package dev.headwise.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The seed corpus of a fuzz test, read from where Jazzer's regression mode reads it: the resource directory
 * {@code <TestClass>Inputs/<method>/} in the test class's package.
 */
final class Seeds {
    private Seeds() {
    }

    static List<byte[]> of(Class<?> testClass, String method) {
        String resource = testClass.getSimpleName() + "Inputs/" + method;
        URL url = testClass.getResource(resource);
        if (url == null) {
            throw new IllegalStateException("No seed corpus " + resource + " next to " + testClass.getName());
        }
        try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
            List<byte[]> seeds = files.filter(Files::isRegularFile).sorted().map(Seeds::read).toList();
            if (seeds.isEmpty()) {
                throw new IllegalStateException("The seed corpus " + resource + " is empty");
            }
            return seeds;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
