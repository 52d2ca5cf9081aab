package dev.dna.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every command the README and the docs show in their shell blocks parses as written: each {@code dna ...} line with
 * the {@code dna} command's own parser, each {@code mvn ... -Pexample ...} line's {@code -Dexample.args} with the
 * parser of the program it runs ({@code -Dexample.main}, the benchmark by default). A renamed option, a missing
 * required one or a subcommand that does not exist fails here, not in a reader's shell. Only parsing: nothing runs.
 * The lab notebook (docs/lab/) is history and is not checked.
 */
class DocumentedCommandsTest {
    static final Path ROOT = Path.of("..");
    static final String BENCHMARK = "dev.dna.bench.DenoisingBenchmark";
    static final Pattern EXAMPLE_MAIN = Pattern.compile("-Dexample\\.main=(\\S+)");
    static final Pattern EXAMPLE_ARGS = Pattern.compile("-Dexample\\.args=\"([^\"]*)\"");

    /** A command as documented: where, which program ({@code "dna"} or an example's class), its arguments. */
    record Documented(String where, String program, List<String> args) {
        @Override
        public String toString() {
            return where + ": " + (program.equals("dna") ? "dna" : program) + " " + String.join(" ", args);
        }
    }

    /** The README and every page under docs/ but the lab notebook. */
    static List<Path> pages() throws IOException {
        List<Path> out = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> s = Files.walk(ROOT.resolve("docs"))) {
            s.filter(p -> p.toString().endsWith(".md") && !p.startsWith(ROOT.resolve("docs/lab"))).sorted().forEach(out::add);
        }
        return out;
    }

    /** The commands of one page's {@code bash} blocks, continuation lines ({@code \}) joined. */
    static List<Documented> commands(Path page) throws IOException {
        List<Documented> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(page);
        boolean bash = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("```")) {
                bash = !bash && line.trim().equals("```bash");
                continue;
            }
            if (!bash) {
                continue;
            }
            int first = i;
            StringBuilder logical = new StringBuilder(line);
            while (logical.toString().stripTrailing().endsWith("\\") && i + 1 < lines.size()) {
                String joined = logical.toString().stripTrailing();
                logical = new StringBuilder(joined.substring(0, joined.length() - 1)).append(' ').append(lines.get(++i).trim());
            }
            String where = (page.startsWith(ROOT) ? ROOT.relativize(page) : page.getFileName()) + ":" + (first + 1);
            String command = logical.toString().trim();
            if (command.startsWith("dna ")) {
                String withoutComment = command.replaceFirst("\\s#.*$", "");
                out.add(new Documented(where, "dna", words(withoutComment.substring(4))));
            } else if (command.startsWith("mvn ") && command.contains("-Pexample")) {
                Matcher main = EXAMPLE_MAIN.matcher(command);
                Matcher args = EXAMPLE_ARGS.matcher(command);
                out.add(new Documented(where, main.find() ? main.group(1) : BENCHMARK, args.find() ? words(args.group(1)) : List.of()));
            }
        }
        return out;
    }

    static List<String> words(String s) {
        return s.isBlank() ? List.of() : Arrays.asList(s.trim().split("\\s+"));
    }

    /** Parses one command; returns why it does not parse, or an empty string. */
    static String problem(Documented c) {
        String[] args = c.args().toArray(String[]::new);
        try {
            if (c.program().equals("dna")) {
                StringWriter sink = new StringWriter();
                Dna.commandLine(new PrintWriter(sink), new PrintWriter(sink)).parseArgs(args);
            } else {
                new CommandLine(Class.forName(c.program())).parseArgs(args);
            }
            return "";
        } catch (CommandLine.ParameterException e) {
            return e.getMessage();
        } catch (ClassNotFoundException e) {
            return "no such program " + c.program();
        }
    }

    @Test
    void everyDocumentedCommandParses() throws IOException {
        List<Documented> all = new ArrayList<>();
        for (Path page : pages()) {
            all.addAll(commands(page));
        }
        // the extraction finds them (9 dna commands and 14 example commands when this test was written)
        long dna = all.stream().filter(c -> c.program().equals("dna")).count();
        assertTrue(dna >= 8, "dna commands found: " + dna + " " + all);
        assertTrue(all.size() - dna >= 10, "example commands found: " + (all.size() - dna) + " " + all);
        assertTrue(all.stream().anyMatch(c -> c.where().startsWith("README.md")), all.toString());
        List<String> broken = new ArrayList<>();
        for (Documented c : all) {
            String why = problem(c);
            if (!why.isEmpty()) {
                broken.add(c + "  ->  " + why);
            }
        }
        assertEquals(List.of(), broken, "documented commands that do not parse");
    }

    @Test
    void aWrongCommandIsCaught() {
        assertTrue(problem(new Documented("t", "dna", List.of("adapt", "--real", "cam/"))).contains("--out"));
        assertTrue(problem(new Documented("t", "dna", List.of("restor", "--in", "x"))).contains("restor"));
        assertTrue(problem(new Documented("t", BENCHMARK, List.of("--steps", "3", "--no-such-option"))).contains("--no-such-option"));
        assertEquals("", problem(new Documented("t", BENCHMARK, List.of("--steps", "3", "--variants", "full"))));
    }

    @Test
    void continuationLinesAndCommentsAreRead(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        Path page = tmp.resolve("page.md");
        Files.writeString(page, String.join("\n", "text", "```bash",
                "dna restore --model m.onnx --in a/ \\",
                "    --out b/       # a comment",
                "mvn -q -Pexample -pl examples -am package -DskipTests -Dexample.main=x.Y -Dexample.args=\"--a 1 \\",
                "    --b\"   # --c",
                "```", "```", "dna not-bash", "```", ""));
        List<Documented> found = commands(page);
        assertEquals(2, found.size(), found.toString());
        assertEquals(List.of("restore", "--model", "m.onnx", "--in", "a/", "--out", "b/"), found.get(0).args());
        assertEquals("x.Y", found.get(1).program());
        assertEquals(List.of("--a", "1", "--b"), found.get(1).args());
    }
}
