/*
 * OwlCheck: load OWL files with the OWL API (the library Protégé is built on)
 * and report what Protégé would complain about.
 *
 * Single-file program for Java 11+ source-launch mode, no build step:
 *
 *     java -cp <owlapi jars + deps> OwlCheck.java FILE...
 *
 * For every FILE one JSON object is printed on its own line of stdout:
 *
 *     {"file": ..., "format": ..., "unparsed_triples": [...],
 *      "violations": [...], "undeclared": [...],
 *      "guessed_declarations": [...], "missing_imports": [...],
 *      "warnings": [...], "counts": {...}}
 *
 * A file that cannot be loaded yields {"file": ..., "error": ...} on stdout
 * plus a message on stderr. Exit status: 0 when every file loaded (whatever
 * it contained), 1 when at least one file failed to load, 2 on bad usage.
 *
 * Written against OWL API 5.1 (Debian's libowlapi-java 5.1.20): it uses the
 * 5.x stream methods (signature(), classesInSignature(), ...) and the
 * Optional returned by OWLDocumentFormat.getOntologyLoaderMetaData().
 *
 * Parser log capture: the OWL API reports some problems only through SLF4J
 * (illegal punning redeclarations, "Entity not properly recognized", and
 * unparsed triples hanging off blank nodes, which RDFParserMetaData's
 * getUnparsedTriples() misses). With slf4j-simple on the class path (and no
 * other SLF4J binding) the log written while a file loads is captured:
 * WARN/ERROR records go to "warnings", "Unparsed triple:" records are merged
 * into "unparsed_triples".
 */

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.formats.FunctionalSyntaxDocumentFormat;
import org.semanticweb.owlapi.formats.ManchesterSyntaxDocumentFormat;
import org.semanticweb.owlapi.formats.NTriplesDocumentFormat;
import org.semanticweb.owlapi.formats.OWLXMLDocumentFormat;
import org.semanticweb.owlapi.formats.RDFJsonLDDocumentFormat;
import org.semanticweb.owlapi.formats.RDFXMLDocumentFormat;
import org.semanticweb.owlapi.formats.TurtleDocumentFormat;
import org.semanticweb.owlapi.io.FileDocumentSource;
import org.semanticweb.owlapi.io.OWLOntologyLoaderMetaData;
import org.semanticweb.owlapi.io.OWLParser;
import org.semanticweb.owlapi.io.OWLParserException;
import org.semanticweb.owlapi.io.RDFParserMetaData;
import org.semanticweb.owlapi.io.RDFTriple;
import org.semanticweb.owlapi.io.UnparsableOntologyException;
import org.semanticweb.owlapi.model.MissingImportHandlingStrategy;
import org.semanticweb.owlapi.model.OWLDocumentFormat;
import org.semanticweb.owlapi.model.OWLEntity;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyCreationException;
import org.semanticweb.owlapi.model.OWLOntologyLoaderConfiguration;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.model.parameters.Imports;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;

public class OwlCheck {

    /** Longest error message echoed. */
    private static final int MAX_ERROR_CHARS = 4000;

    /** Start of one slf4j-simple record, as configured in configureLogging(). */
    private static final Pattern LOG_RECORD =
            Pattern.compile("^(TRACE|DEBUG|INFO|WARN|ERROR) (\\S+) - (.*)$");

    private static final String UNPARSED_PREFIX = "Unparsed triple: ";

    private static final PrintStream REAL_ERR = System.err;

    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: java -cp <owlapi classpath> OwlCheck.java FILE...");
            System.exit(2);
        }
        configureLogging();
        int failures = 0;
        for (String arg : args) {
            File file = new File(arg);
            String line;
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            try {
                System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
                line = check(file, log);
            } catch (OWLOntologyCreationException | RuntimeException | LinkageError e) {
                failures++;
                String msg = describe(e);
                if (msg.length() > MAX_ERROR_CHARS) {
                    msg = msg.substring(0, MAX_ERROR_CHARS) + " ...[truncated]";
                }
                System.setErr(REAL_ERR);
                System.err.println("OwlCheck: cannot load " + file.getPath() + ": " + msg);
                line = "{\"file\": " + q(file.getPath()) + ", \"error\": " + q(msg) + "}";
            } finally {
                System.setErr(REAL_ERR);
            }
            System.out.println(line);
            System.out.flush();
        }
        System.exit(failures == 0 ? 0 : 1);
    }

    /** Route SLF4J (if slf4j-simple is the binding) to System.err, one line per record. */
    private static void configureLogging() {
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err"); // not cached
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
        System.setProperty("org.slf4j.simpleLogger.showShortLogName", "true");
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "false");
        System.setProperty("org.slf4j.simpleLogger.levelInBrackets", "false");
        try {
            Class.forName("org.slf4j.impl.SimpleLogger");
        } catch (ClassNotFoundException e) {
            System.err.println("OwlCheck: slf4j-simple not on the class path;"
                    + " OWL API parser warnings will not be reported");
        }
    }

    /** A short, readable message for a load failure. */
    private static String describe(Throwable e) {
        if (e instanceof UnparsableOntologyException) {
            UnparsableOntologyException u = (UnparsableOntologyException) e;
            StringBuilder sb = new StringBuilder("could not parse " + u.getDocumentIRI());
            for (Map.Entry<OWLParser, OWLParserException> en : u.getExceptions().entrySet()) {
                OWLParserException pe = en.getValue();
                Throwable root = pe;
                while (root.getCause() != null && root.getCause() != root) {
                    root = root.getCause();
                }
                sb.append("; ").append(en.getKey().getClass().getSimpleName()).append(": ")
                        .append(firstLine(root == pe ? pe.getMessage() : root.toString()));
            }
            return sb.toString();
        }
        if (e instanceof LinkageError) {
            return "OWL API class path incomplete (" + e + ")";
        }
        String msg = e.getClass().getSimpleName() + ": " + firstLine(e.getMessage());
        if (e instanceof NullPointerException && String.valueOf(e.getMessage()).contains("parser")) {
            msg += " (a parser factory failed to load: OWL API class path incomplete?)";
        } else if (e instanceof RuntimeException) {
            msg += " (OWL API crashed while loading" + frameHint(e) + ")";
        }
        return msg;
    }

    /** ", at <first OWL API stack frame>", or "" when there is none. */
    private static String frameHint(Throwable e) {
        for (StackTraceElement frame : e.getStackTrace()) {
            String cls = frame.getClassName();
            if (cls.startsWith("org.semanticweb.") || cls.startsWith("uk.ac.manchester.")
                    || cls.startsWith("org.obolibrary.")) {
                return ", at " + frame;
            }
        }
        return "";
    }

    /** Guess the document format from the file name so only that parser runs. */
    private static OWLDocumentFormat formatFor(File file) {
        String name = file.getName().toLowerCase(Locale.ROOT);
        if (name.endsWith(".owl") || name.endsWith(".rdf") || name.endsWith(".xml")) {
            return new RDFXMLDocumentFormat();
        }
        if (name.endsWith(".ttl")) {
            return new TurtleDocumentFormat();
        }
        if (name.endsWith(".nt")) {
            return new NTriplesDocumentFormat();
        }
        if (name.endsWith(".jsonld")) {
            return new RDFJsonLDDocumentFormat();
        }
        if (name.endsWith(".ofn")) {
            return new FunctionalSyntaxDocumentFormat();
        }
        if (name.endsWith(".omn")) {
            return new ManchesterSyntaxDocumentFormat();
        }
        if (name.endsWith(".owx")) {
            return new OWLXMLDocumentFormat();
        }
        return null; // unknown: let the OWL API try every parser, as Protégé does
    }

    private static String check(File file, ByteArrayOutputStream log)
            throws OWLOntologyCreationException {
        if (!file.isFile()) {
            throw new OWLOntologyCreationException("no such file: " + file.getPath());
        }
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        // Unresolvable imports are reported, not fatal; never wait long on the network.
        // OWL API 5: the loader configuration is immutable, set* returns a modified copy.
        OWLOntologyLoaderConfiguration config = manager.getOntologyLoaderConfiguration()
                .setMissingImportHandlingStrategy(MissingImportHandlingStrategy.SILENT)
                .setConnectionTimeout(5000)
                .setReportStackTraces(false);
        manager.setOntologyLoaderConfiguration(config);
        List<String> missingImports = new ArrayList<>();
        manager.addMissingImportListener(event -> missingImports.add(
                event.getImportedOntologyURI().toString() + ": "
                        + firstLine(event.getCreationException().getMessage())));

        OWLDocumentFormat hint = formatFor(file);
        FileDocumentSource source =
                hint == null ? new FileDocumentSource(file) : new FileDocumentSource(file, hint);
        OWLOntology ont = manager.loadOntologyFromOntologyDocument(source, config);

        // The format object attached to the ontology, not the hint, carries the metadata.
        OWLDocumentFormat format = manager.getOntologyFormat(ont);

        // (a) triples the RDF parser could not map to any axiom (Protégé drops them).
        List<String> unparsed = new ArrayList<>();
        Set<List<String>> unparsedKeys = new HashSet<>();
        TreeSet<String> guessed = new TreeSet<>();
        if (format != null) {
            Optional<OWLOntologyLoaderMetaData> meta = format.getOntologyLoaderMetaData();
            if (meta.isPresent() && meta.get() instanceof RDFParserMetaData) {
                RDFParserMetaData rdfMeta = (RDFParserMetaData) meta.get();
                rdfMeta.getUnparsedTriples().sorted().forEach(t -> {
                    unparsed.add(t.toString());
                    unparsedKeys.add(tripleKey(t));
                });
                rdfMeta.getGuessedDeclarations().entries().forEach(
                        e -> guessed.add(e.getValue().getSimpleName() + " " + e.getKey()));
            }
        }

        // Parser log: warnings, plus unparsed triples the metadata does not list.
        List<String> warnings = new ArrayList<>();
        for (String[] rec : logRecords(log.toString(StandardCharsets.UTF_8))) {
            String level = rec[0];
            String msg = rec[2];
            if (msg.startsWith(UNPARSED_PREFIX)) {
                String payload = msg.substring(UNPARSED_PREFIX.length()).trim();
                if (!unparsedKeys.contains(logTripleKey(payload))) {
                    unparsed.add("(parser log) " + payload);
                }
            } else if (level.equals("WARN") || level.equals("ERROR")) {
                warnings.add(level + " " + rec[1] + ": " + msg);
            }
        }

        // (b) OWL 2 DL profile violations.
        List<String> violations = new ArrayList<>();
        try {
            for (OWLProfileViolation v : new OWL2DLProfile().checkOntology(ont).getViolations()) {
                violations.add(v.toString());
            }
        } catch (RuntimeException e) {
            // e.g. an empty owl:propertyChainAxiom list makes the 5.1.20 checker throw
            violations.add("OWL2DLProfile check crashed: " + e + frameHint(e));
        }
        violations.sort(null); // the OWL API's order is not stable between runs

        // (c) entities used in this file but declared neither here nor in its imports.
        TreeSet<String> undeclared = new TreeSet<>();
        ont.signature(Imports.EXCLUDED)
                .filter(e -> !e.isBuiltIn())
                .filter(e -> e.isOWLClass() || e.isOWLObjectProperty() || e.isOWLDataProperty()
                        || e.isOWLAnnotationProperty() || e.isOWLNamedIndividual())
                .filter(e -> !ont.isDeclared(e, Imports.INCLUDED))
                .forEach(e -> undeclared.add(kind(e) + " " + e.getIRI()));

        // (d) counts (this ontology only, imports excluded).
        Map<String, Long> counts = new TreeMap<>();
        counts.put("axioms", (long) ont.getAxiomCount());
        counts.put("logical_axioms", (long) ont.getLogicalAxiomCount());
        counts.put("classes", ont.classesInSignature(Imports.EXCLUDED).count());
        counts.put("object_properties", ont.objectPropertiesInSignature(Imports.EXCLUDED).count());
        counts.put("data_properties", ont.dataPropertiesInSignature(Imports.EXCLUDED).count());
        counts.put("annotation_properties",
                ont.annotationPropertiesInSignature(Imports.EXCLUDED).count());
        counts.put("properties", counts.get("object_properties") + counts.get("data_properties")
                + counts.get("annotation_properties"));
        counts.put("individuals", ont.individualsInSignature(Imports.EXCLUDED).count());

        StringBuilder sb = new StringBuilder();
        sb.append("{\"file\": ").append(q(file.getPath()));
        sb.append(", \"format\": ").append(q(format == null ? "" : format.getKey()));
        sb.append(", \"unparsed_triples\": ").append(arr(unparsed));
        sb.append(", \"violations\": ").append(arr(violations));
        sb.append(", \"undeclared\": ").append(arr(new ArrayList<>(undeclared)));
        sb.append(", \"guessed_declarations\": ").append(arr(new ArrayList<>(guessed)));
        sb.append(", \"missing_imports\": ").append(arr(missingImports));
        sb.append(", \"warnings\": ").append(arr(warnings));
        sb.append(", \"counts\": {");
        boolean first = true;
        for (Map.Entry<String, Long> e : counts.entrySet()) {
            if (!first) {
                sb.append(", ");
            }
            first = false;
            sb.append(q(e.getKey())).append(": ").append(e.getValue());
        }
        sb.append("}}");
        return sb.toString();
    }

    /** Split captured slf4j-simple output into {level, logger, message} records. */
    private static List<String[]> logRecords(String text) {
        List<String[]> records = new ArrayList<>();
        for (String line : text.split("\\r?\\n")) {
            Matcher m = LOG_RECORD.matcher(line);
            if (m.matches()) {
                records.add(new String[] {m.group(1), m.group(2), m.group(3)});
            } else if (!records.isEmpty() && !line.isEmpty()) {
                String[] last = records.get(records.size() - 1);
                last[2] = last[2] + "\n" + line; // continuation (e.g. a stack trace)
            } else if (!line.isEmpty()) {
                records.add(new String[] {"WARN", "stderr", line}); // unexpected output
            }
        }
        return records;
    }

    /** Order-free identity of a triple, to match metadata triples with log lines. */
    private static List<String> tripleKey(RDFTriple t) {
        return sortedKey(t.getSubject().toString(), t.getPredicate().toString(),
                t.getObject().toString());
    }

    /** The parser log prints triples as "a -> b -> c", not always subject first. */
    private static List<String> logTripleKey(String payload) {
        String[] parts = payload.split(" -> ", 3);
        return parts.length == 3 ? sortedKey(parts) : Arrays.asList(payload);
    }

    private static List<String> sortedKey(String... parts) {
        List<String> key = new ArrayList<>();
        for (String p : parts) {
            String t = p.trim();
            if (t.startsWith("<") && t.endsWith(">")) {
                t = t.substring(1, t.length() - 1);
            }
            key.add(t);
        }
        key.sort(null);
        return key;
    }

    private static String kind(OWLEntity e) {
        return e.getEntityType().getName(); // e.g. "Class", "ObjectProperty"
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl).strip();
    }

    private static String arr(List<String> items) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(q(items.get(i)));
        }
        return sb.append(']').toString();
    }

    /** JSON string literal; everything outside printable ASCII is \\u-escaped. */
    private static String q(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                case '\b': sb.append("\\b"); break;
                case '\f': sb.append("\\f"); break;
                default:
                    if (c < 0x20 || c > 0x7e) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
            }
        }
        return sb.append('"').toString();
    }
}
