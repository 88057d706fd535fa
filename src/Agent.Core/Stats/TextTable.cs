using System.Text;

namespace Agent.Core.Stats;

/// <summary>A plain text table: a header row, columns padded to their widest cell, numbers aligned right.</summary>
internal sealed class TextTable((string Header, bool AlignRight)[] columns)
{
    private const string Gap = "  ";
    private readonly List<string[]> _rows = [];

    public void Add(params string[] cells)
    {
        if (cells.Length != columns.Length) throw new ArgumentException($"{cells.Length} cells for {columns.Length} columns", nameof(cells));
        _rows.Add(cells);
    }

    public void WriteTo(StringBuilder text)
    {
        var rows = _rows.Prepend(columns.Select(c => c.Header).ToArray()).ToList();
        var widths = columns.Select((_, i) => rows.Max(r => r[i].Length)).ToArray();
        foreach (var row in rows)
        {
            var cells = row.Select((cell, i) => columns[i].AlignRight ? cell.PadLeft(widths[i]) : cell.PadRight(widths[i]));
            // No trailing blanks: the last column is often the widest and ragged.
            text.Append(string.Join(Gap, cells).TrimEnd()).Append('\n');
        }
    }
}
