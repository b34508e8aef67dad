package io.fleetban.core.filter.fail2ban;

/**
 * The longest run of plain text that every match of a (translated, Java syntax) pattern must
 * contain, read from the top level of the pattern: inside groups, classes, optional items or a
 * top-level alternation nothing is certain. It becomes a needle of the prefilter.
 */
final class RequiredLiteral {

    private RequiredLiteral() {
    }

    /**
     * @param skipLeading ignore a run at the very start of the pattern: without a prefregex the
     *                    failregex sees the line with its date cut out, and text at the start may
     *                    have been joined across that cut, so it need not be in the raw line
     * @return the literal, or "" when there is none (or the pattern ignores case)
     */
    static String of(String re, boolean skipLeading) {
        if (re.contains("(?i") || re.matches("(?s).*\\(\\?[a-z]*i[a-z-]*[:)].*")) {
            return "";
        }
        String best = "";
        StringBuilder run = new StringBuilder();
        int runStart = 0;
        int i = 0;
        while (i < re.length()) {
            int itemStart = i;
            char c = re.charAt(i);
            Character literal = null;
            if (c == '\\') {
                char n = i + 1 < re.length() ? re.charAt(i + 1) : 0;
                if (Character.isLetterOrDigit(n)) {
                    i = skipEscape(re, i);
                } else {
                    literal = n;
                    i += 2;
                }
            } else if (c == '[') {
                i = skipClass(re, i);
            } else if (c == '(') {
                i = skipGroup(re, i);
            } else if (c == '|') {
                return "";
            } else {
                i++;
                if (c != '.' && c != '^' && c != '$') {
                    literal = c;
                }
            }
            boolean leadingAnchor = itemStart == 0 && c == '^';
            // quantifier?
            boolean optional = false;
            boolean repeated = false;
            if (i < re.length()) {
                char q = re.charAt(i);
                if (q == '?' || q == '*') {
                    optional = true;
                    i++;
                } else if (q == '+') {
                    repeated = true;
                    i++;
                } else if (q == '{') {
                    int close = re.indexOf('}', i);
                    optional = re.startsWith("{0", i);
                    repeated = !optional;
                    i = close + 1;
                }
                if ((optional || repeated) && i < re.length() && (re.charAt(i) == '?' || re.charAt(i) == '+')) {
                    i++;
                }
            }
            if (literal != null && !optional && (literal < 0x80)) {
                if (run.length() == 0) {
                    runStart = itemStart;
                }
                run.append(literal.charValue());
                if (!repeated) {
                    continue;
                }
            } else if (leadingAnchor) {
                continue;
            }
            best = better(best, run, runStart, skipLeading, re);
            run.setLength(0);
        }
        return better(best, run, runStart, skipLeading, re);
    }

    private static String better(String best, StringBuilder run, int runStart, boolean skipLeading, String re) {
        boolean leading = runStart == 0 || (runStart == 1 && re.charAt(0) == '^');
        if (run.length() > best.length() && !(skipLeading && leading)) {
            return run.toString();
        }
        return best;
    }

    private static int skipEscape(String re, int i) {
        char n = re.charAt(i + 1);
        if ((n == 'x' || n == 'p' || n == 'P') && i + 2 < re.length() && re.charAt(i + 2) == '{') {
            return re.indexOf('}', i) + 1;
        }
        if (n == 'x') {
            return i + 4;
        }
        if (n == 'k' && i + 2 < re.length() && re.charAt(i + 2) == '<') {
            return re.indexOf('>', i) + 1;
        }
        return i + 2;
    }

    private static int skipClass(String re, int i) {
        i++;
        if (i < re.length() && re.charAt(i) == '^') {
            i++;
        }
        while (i < re.length() && re.charAt(i) != ']') {
            i += re.charAt(i) == '\\' ? 2 : 1;
        }
        return i + 1;
    }

    private static int skipGroup(String re, int i) {
        int depth = 0;
        while (i < re.length()) {
            char c = re.charAt(i);
            if (c == '\\') {
                i += 2;
                continue;
            }
            if (c == '[') {
                i = skipClass(re, i);
                continue;
            }
            if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return i + 1;
            }
            i++;
        }
        return i;
    }
}
