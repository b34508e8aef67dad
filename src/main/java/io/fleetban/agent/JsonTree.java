package io.fleetban.agent;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Small JSON answers read whole (jackson-core has no tree model): objects become maps, arrays
 * lists, numbers Long or Double. For the controller's admin answers and error bodies, never for
 * anything large.
 */
public final class JsonTree {

    private static final JsonFactory JSON = new JsonFactory();

    private JsonTree() {
    }

    /** @throws IOException when {@code json} is not one JSON value */
    public static Object parse(byte[] json) throws IOException {
        try (JsonParser p = JSON.createParser(json)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new IOException("empty answer");
            }
            Object v = value(p, t);
            if (p.nextToken() != null) {
                throw new IOException("trailing data after the JSON value");
            }
            return v;
        }
    }

    /**
     * What the controller said went wrong: the {@code error} (and {@code field}) of its
     * {@code {"error":…,"field":…}} answer, else the start of its text, else the status.
     */
    public static String errorOf(ControllerClient.Response r) {
        try {
            if (parse(r.body()) instanceof Map<?, ?> m && m.get("error") instanceof String error) {
                return error + (m.get("field") instanceof String field ? " (field " + field + ")" : "");
            }
        } catch (IOException e) {
            // not JSON: show the text
        }
        String t = r.text().strip();
        return t.isEmpty() ? "HTTP " + r.status() : t.length() > 300 ? t.substring(0, 300) + "…" : t;
    }

    private static Object value(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    m.put(name, value(p, p.nextToken()));
                }
                return m;
            }
            case START_ARRAY -> {
                List<Object> l = new ArrayList<>();
                JsonToken e;
                while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
                    l.add(value(p, e));
                }
                return l;
            }
            case VALUE_STRING -> {
                return p.getText();
            }
            case VALUE_NUMBER_INT -> {
                return p.getLongValue();
            }
            case VALUE_NUMBER_FLOAT -> {
                return p.getDoubleValue();
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return t == JsonToken.VALUE_TRUE;
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> throw new IOException("unexpected " + t);
        }
    }
}
