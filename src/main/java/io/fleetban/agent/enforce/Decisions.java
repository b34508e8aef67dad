package io.fleetban.agent.enforce;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.fleetban.core.firewall.Ban;
import io.fleetban.core.net.Cidr;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One answer of {@code GET /api/v1/decisions}:
 * {@code {"cursor":123,"full":true,"bans":[{"ip":"203.0.113.9","ttl":598,"jail":"freeswitch"}],"unbans":["198.51.100.4"]}}.
 * Every ban and unban is checked on its own ({@link Cidr#parse}, a ttl of at least one second);
 * one that fails is left out and named in {@link #rejected()}, the rest still apply.
 *
 * @param rejected what was left out and why, for the log
 */
public record Decisions(long cursor, boolean full, List<Ban> bans, List<Cidr> unbans, List<String> rejected) {

    private static final JsonFactory JSON = new JsonFactory();

    public boolean isEmpty() {
        return bans.isEmpty() && unbans.isEmpty();
    }

    /** @throws IOException when the body is not JSON or lacks the cursor: the whole answer is unusable */
    public static Decisions parse(byte[] body) throws IOException {
        Long cursor = null;
        boolean full = false;
        List<Ban> bans = new ArrayList<>();
        List<Cidr> unbans = new ArrayList<>();
        List<String> rejected = new ArrayList<>();
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("decisions: the answer is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "cursor" -> {
                        if (value != JsonToken.VALUE_NUMBER_INT || p.getLongValue() < 0) {
                            throw new IOException("decisions: \"cursor\" is not a non-negative integer: " + p.getText());
                        }
                        cursor = p.getLongValue();
                    }
                    case "full" -> {
                        if (!value.isBoolean()) {
                            throw new IOException("decisions: \"full\" is not true or false: " + p.getText());
                        }
                        full = value == JsonToken.VALUE_TRUE;
                    }
                    case "bans" -> {
                        if (startArray(value, "bans")) {
                            for (int i = 0; p.nextToken() != JsonToken.END_ARRAY; i++) {
                                ban(p, i, bans, rejected);
                            }
                        }
                    }
                    case "unbans" -> {
                        if (startArray(value, "unbans")) {
                            for (int i = 0; p.nextToken() != JsonToken.END_ARRAY; i++) {
                                unban(p, i, unbans, rejected);
                            }
                        }
                    }
                    default -> p.skipChildren();
                }
            }
        }
        if (cursor == null) {
            throw new IOException("decisions: the answer has no \"cursor\"");
        }
        return new Decisions(cursor, full, List.copyOf(bans), List.copyOf(unbans), List.copyOf(rejected));
    }

    /** False for null (an empty list), true at the start of an array, an error otherwise. */
    private static boolean startArray(JsonToken value, String field) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return false;
        }
        if (value != JsonToken.START_ARRAY) {
            throw new IOException("decisions: \"" + field + "\" is not an array");
        }
        return true;
    }

    private static void ban(JsonParser p, int index, List<Ban> bans, List<String> rejected) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            rejected.add("bans[" + index + "]: not an object: " + p.getText());
            p.skipChildren();
            return;
        }
        String ip = null;
        Long ttl = null;
        String problem = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (field.equals("ip")) {
                if (value == JsonToken.VALUE_STRING) {
                    ip = p.getText();
                } else {
                    problem = "\"ip\" is not a string";
                }
            } else if (field.equals("ttl")) {
                if (value == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    problem = "\"ttl\" " + p.getText() + " is out of range";
                } else if (value == JsonToken.VALUE_NUMBER_INT) {
                    ttl = p.getLongValue();
                } else if (value == JsonToken.VALUE_NUMBER_FLOAT) {
                    ttl = (long) Math.ceil(p.getDoubleValue());
                } else {
                    problem = "\"ttl\" is not a number";
                }
            }
            p.skipChildren();
        }
        if (problem == null && ip == null) {
            problem = "no \"ip\"";
        }
        if (problem == null && ttl == null) {
            problem = "no \"ttl\"";
        }
        if (problem == null) {
            try {
                bans.add(new Ban(Cidr.parse(ip), ttl));
                return;
            } catch (IllegalArgumentException e) {
                problem = e.getMessage();
            }
        }
        rejected.add("bans[" + index + "]" + (ip == null ? "" : " " + abbreviate(ip)) + ": " + problem);
    }

    private static void unban(JsonParser p, int index, List<Cidr> unbans, List<String> rejected) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            rejected.add("unbans[" + index + "]: not a string: " + p.getText());
            p.skipChildren();
            return;
        }
        String text = p.getText();
        try {
            unbans.add(Cidr.parse(text));
        } catch (IllegalArgumentException e) {
            rejected.add("unbans[" + index + "] " + abbreviate(text) + ": " + e.getMessage());
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 61) + "...";
    }
}
