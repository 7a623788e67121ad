package io.ecrsecret.kube;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an adopted secret held before we took it over, kept in the secret itself (data key {@value
 * #KEY}, so it stays as secret as the rest): the data values and labels we replaced, and which we
 * added. Releasing the secret gives back exactly that.
 *
 * @param replacedData data keys we overwrote, with their earlier (base64) values
 * @param replacedLabels labels we set, with their earlier values (null: there was none)
 * @param linkedBefore the service accounts that linked the secret when it was adopted: a release
 *     leaves their links (null in a record from before this was kept: then no link is removed)
 */
record AdoptionRecord(
    Map<String, String> replacedData,
    Map<String, String> replacedLabels,
    java.util.List<String> linkedBefore) {

  static final String KEY = "ecr-secret-operator.adopted-from";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Whether a key was there before (and so is given back) or added by us (and so removed). */
  static final String ADDED = "";

  static AdoptionRecord of(
      Map<String, String> existingData,
      Map<String, String> ourData,
      Map<String, String> existingLabels,
      Map<String, String> ourLabels,
      java.util.Collection<String> linkedBefore) {
    var data = new TreeMap<String, String>();
    ourData.keySet().forEach(k -> data.put(k, existingData.getOrDefault(k, ADDED)));
    var labels = new HashMap<String, String>();
    ourLabels.keySet().forEach(k -> labels.put(k, existingLabels.getOrDefault(k, ADDED)));
    return new AdoptionRecord(
        data, new TreeMap<>(labels), java.util.List.copyOf(new java.util.TreeSet<>(linkedBefore)));
  }

  /** The record as the base64 value of its data key. */
  String encoded() {
    try {
      return Base64.getEncoder()
          .encodeToString(JSON.writeValueAsString(this).getBytes(StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the adoption record", null);
    }
  }

  static java.util.Optional<AdoptionRecord> in(Map<String, String> base64Data) {
    String value = base64Data == null ? null : base64Data.get(KEY);
    if (value == null) {
      return java.util.Optional.empty();
    }
    try {
      return java.util.Optional.of(
          JSON.readValue(Base64.getDecoder().decode(value), AdoptionRecord.class));
    } catch (java.io.IOException | IllegalArgumentException e) {
      return java.util.Optional.empty(); // unreadable: fall back to removing our entries only
    }
  }

  /** The data as it was before the adoption. */
  Map<String, String> restoreData(Map<String, String> current) {
    var data = new HashMap<>(current);
    data.remove(KEY);
    replacedData.forEach(
        (k, before) -> {
          if (ADDED.equals(before)) {
            data.remove(k);
          } else {
            data.put(k, before);
          }
        });
    return data;
  }

  /** The label's value before the adoption, if it had one. */
  java.util.Optional<String> labelBefore(String key) {
    String before = replacedLabels.get(key);
    return before == null || ADDED.equals(before)
        ? java.util.Optional.empty()
        : java.util.Optional.of(before);
  }

  /** The labels as they were before, for the ones we set. */
  Map<String, String> restoreLabels(Map<String, String> current) {
    var labels = new TreeMap<>(current);
    replacedLabels.forEach(
        (k, before) -> {
          if (ADDED.equals(before)) {
            labels.remove(k);
          } else {
            labels.put(k, before);
          }
        });
    return labels;
  }
}
