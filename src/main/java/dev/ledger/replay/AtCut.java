package dev.ledger.replay;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiConsumer;

/**
 * What one map held at a cut while its single writer goes on: before its first change to a key
 * after the cut, the writer keeps the key's value at the cut (empty when it had none). The writer
 * keeps before it writes the map, so a reader that read the map first and then finds nothing kept
 * read the value at the cut.
 */
final class AtCut<K, V> {

    private final ConcurrentMap<K, Optional<V>> before = new ConcurrentHashMap<>();

    /** Called by the writer before it changes or removes {@code key}. */
    void keep(K key, V valueAtCut) {
        before.putIfAbsent(key, Optional.ofNullable(valueAtCut));
    }

    /** The value at the cut, given the one just read from the map; null when the key came after the cut. */
    V atCut(K key, V readFromMap) {
        var kept = before.get(key);
        return kept == null ? readFromMap : kept.orElse(null);
    }

    /**
     * Every entry the map held at the cut, for a map whose keys may also be removed after it. An
     * entry changed while this walks may be given twice, with its value at the cut both times.
     */
    void forEach(Map<K, V> map, BiConsumer<K, V> action) {
        for (var entry : map.entrySet()) {
            var value = entry.getValue();
            if (!before.containsKey(entry.getKey())) {
                action.accept(entry.getKey(), value);
            }
        }
        before.forEach((key, kept) -> kept.ifPresent(value -> action.accept(key, value)));
    }
}
