package dev.dna.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's Java snippets compile as written: their imports, then their statements in order, in one method. */
class ReadmeSnippetsTest {
    @TempDir
    Path tmp;

    @Test
    void theReadmesJavaSnippetsCompile() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        List<String> imports = new ArrayList<>();
        StringBuilder body = new StringBuilder();
        int blocks = 0;
        while (m.find()) {
            blocks++;
            for (String line : m.group(1).split("\\n")) {
                if (line.startsWith("import ")) {
                    imports.add(line);
                } else {
                    body.append(line).append('\n');
                }
            }
        }
        assertTrue(blocks >= 2, "the README's Java snippets: " + blocks);
        String source = String.join("\n", imports) + "\nclass ReadmeSnippets {\n    void run() throws Exception {\n" + body + "    }\n}\n";
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///ReadmeSnippets.java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        };
        StringWriter errors = new StringWriter();
        boolean ok = javac.getTask(errors, null, null, List.of("-d", tmp.toString(), "-classpath", System.getProperty("java.class.path"),
                "-proc:none"), null, List.of(file)).call();
        assertTrue(ok, "the README's snippets do not compile:\n" + errors + "\n" + source);
        assertEquals("", errors.toString().strip(), "warnings or errors: " + errors);
    }
}
