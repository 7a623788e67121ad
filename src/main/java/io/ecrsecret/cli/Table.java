package io.ecrsecret.cli;

import java.util.List;

/** Left-aligned columns, like kubectl prints them. */
final class Table {

  private Table() {}

  static String render(List<List<String>> rows) {
    int columns = rows.get(0).size();
    int[] widths = new int[columns];
    for (List<String> row : rows) {
      for (int i = 0; i < columns; i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    var out = new StringBuilder();
    for (List<String> row : rows) {
      var line = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        line.append(
            i == columns - 1
                ? row.get(i)
                : String.format("%-" + (widths[i] + 3) + "s", row.get(i)));
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }
}
