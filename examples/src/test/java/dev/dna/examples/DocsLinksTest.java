package dev.dna.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every relative link of the README and the docs points to a file that exists, and every anchor to a heading. */
class DocsLinksTest {
    static final Path ROOT = Path.of("..");
    static final Pattern LINK = Pattern.compile("!?\\[[^\\]]*\\]\\(([^)\\s]+)\\)");

    /** The Markdown files checked: the README, CONTRIBUTING, CHANGELOG and every page under docs/. */
    static List<Path> pages() throws IOException {
        List<Path> out = new ArrayList<>(List.of(ROOT.resolve("README.md"), ROOT.resolve("CONTRIBUTING.md"),
                ROOT.resolve("CHANGELOG.md")));
        try (Stream<Path> s = Files.walk(ROOT.resolve("docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(out::add);
        }
        return out;
    }

    /** GitHub's anchor of a heading: lower case, punctuation dropped (but hyphens and underscores), spaces to hyphens. */
    static String slug(String heading) {
        return heading.trim().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
    }

    /** The anchors of a Markdown file's headings (outside code blocks). */
    static Set<String> anchors(Path md) throws IOException {
        Set<String> out = new HashSet<>();
        boolean code = false;
        for (String line : Files.readAllLines(md)) {
            if (line.startsWith("```")) {
                code = !code;
            } else if (!code && line.startsWith("#")) {
                out.add(slug(line.replaceFirst("^#+", "")));
            }
        }
        return out;
    }

    /** Every broken link of {@code md}, as "file: target (why)". */
    static List<String> broken(Path md) throws IOException {
        List<String> out = new ArrayList<>();
        boolean code = false;
        for (String line : Files.readAllLines(md)) {
            if (line.startsWith("```")) {
                code = !code;
                continue;
            }
            if (code) {
                continue;
            }
            Matcher m = LINK.matcher(line.replaceAll("`[^`]*`", ""));
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("^[a-z]+:.*")) {
                    continue; // http(s), mailto: not checked here
                }
                String path = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
                String anchor = target.contains("#") ? target.substring(target.indexOf('#') + 1) : null;
                Path file = path.isEmpty() ? md : md.getParent().resolve(path).normalize();
                if (!Files.exists(file)) {
                    out.add(name(md) + ": " + target + " (no such file)");
                } else if (anchor != null && !(file.toString().endsWith(".md") && anchors(file).contains(anchor))) {
                    out.add(name(md) + ": " + target + " (no such heading)");
                }
            }
        }
        return out;
    }

    private static String name(Path md) {
        Path root = ROOT.toAbsolutePath().normalize();
        Path f = md.toAbsolutePath().normalize();
        return f.startsWith(root) ? root.relativize(f).toString() : f.toString();
    }

    @Test
    void everyRelativeLinkResolves() throws IOException {
        List<String> bad = new ArrayList<>();
        List<Path> pages = pages();
        assertTrue(pages.size() >= 10, "pages found: " + pages);
        for (Path p : pages) {
            bad.addAll(broken(p));
        }
        assertEquals(List.of(), bad);
    }

    @Test
    void theCheckerSeesBrokenLinks(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        Path md = tmp.resolve("a.md");
        Files.writeString(tmp.resolve("b.md"), "# A heading, with punctuation!\n");
        Files.writeString(md, "# Top\n[ok](b.md) [ok](b.md#a-heading-with-punctuation) [self](#top) [web](https://x.org/y)\n"
                + "[gone](c.md) [no anchor](b.md#nope) `[code](x.md)`\n```\n[in a block](y.md)\n```\n");
        List<String> bad = broken(md);
        assertEquals(2, bad.size(), bad.toString());
        assertTrue(bad.get(0).endsWith("c.md (no such file)") && bad.get(1).endsWith("b.md#nope (no such heading)"), bad.toString());
        assertEquals("a-heading-with-punctuation", slug(" A heading, with punctuation!"));
    }
}
