using System.Collections.ObjectModel;

namespace K8sComm;

/// <summary>
/// A read-only list whose text is its items, so a cell of <c>Export-Csv</c> or <c>ConvertTo-Csv</c>
/// reads "High: FileUnreadable; Medium: BasicAuth" instead of a type name. It enumerates, indexes and
/// counts like the array it replaces.
/// </summary>
public sealed class ValueList<T> : ReadOnlyCollection<T>
{
    public ValueList(IEnumerable<T> items)
        : base(items.ToList())
    {
    }

    // Typed, unlike the base class's ReadOnlyCollection<T>.Empty it hides.
    public static new ValueList<T> Empty { get; } = new([]);

    public override string ToString() => Display.Text(string.Join("; ", this.Select(item => item?.ToString())));
}
