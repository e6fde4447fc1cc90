package dev.ledger.replay;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * What one map held at a cut while its writers go on. Each value tells whether it was written
 * after the cut began (see {@link ReplayState}), so the reader leaves those out by themselves; a
 * writer keeps only the values that were there at the cut, before its first change or removal of
 * each, so that applying pays nothing for the keys it adds meanwhile (most of what it writes). The
 * writer keeps before it writes the map, so a reader that read the map first and then finds nothing
 * kept read the value at the cut.
 */
final class AtCut<K, V> {

    private final ConcurrentMap<K, V> before = new ConcurrentHashMap<>();

    /** Called by the writer before it changes or removes {@code key}, whose value was there at the cut. */
    void keep(K key, V valueAtCut) {
        before.putIfAbsent(key, valueAtCut);
    }

    /**
     * Every entry the map held at the cut. An entry changed while this walks may be given twice, with
     * its value at the cut both times.
     *
     * @param writtenAfter whether a value was written after the cut began
     */
    void forEach(Map<K, V> map, Predicate<V> writtenAfter, BiConsumer<K, V> action) {
        for (var entry : map.entrySet()) {
            var value = entry.getValue();
            if (!writtenAfter.test(value) && !before.containsKey(entry.getKey())) {
                action.accept(entry.getKey(), value);
            }
        }
        before.forEach(action);
    }
}
