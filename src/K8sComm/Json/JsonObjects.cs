using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Text;
using System.Text.Json;

namespace K8sComm.Json;

/// <summary>
/// JSON to PowerShell objects, all the way down: objects become PSCustomObjects with the JSON's own
/// property names (Kubernetes' camelCase), arrays become object[], numbers the smallest of int, long
/// and double that holds them. Strings stay strings (timestamps too, so a round trip through
/// ConvertTo-Json gives the API server back what it sent). And back: a script's hashtables, custom
/// objects and arrays become JSON without needing PowerShell's utility module (a host may lack it).
/// </summary>
internal static class JsonObjects
{
    private const int MaxDepth = 100;

    /// <summary>A script's value as JSON: dictionaries and objects by their properties, lists as arrays,
    /// switches and booleans as true/false, dates in ISO 8601, enums by name.</summary>
    public static string FromPowerShell(object? value)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
            Write(writer, value, 0);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, object? value, int depth)
    {
        if (depth > MaxDepth)
            throw new ArgumentException($"The body is nested deeper than {MaxDepth} levels.");
        var bare = value is PSObject wrapped && wrapped.BaseObject is not PSCustomObject ? wrapped.BaseObject : value;
        switch (bare)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string text:
                writer.WriteStringValue(text);
                break;
            case char character:
                writer.WriteStringValue(character.ToString());
                break;
            case bool flag:
                writer.WriteBooleanValue(flag);
                break;
            case SwitchParameter flag:
                writer.WriteBooleanValue(flag.IsPresent);
                break;
            case Enum member:
                writer.WriteStringValue(member.ToString());
                break;
            case int or long or short or byte or sbyte or ushort or uint or ulong or float or double or decimal or System.Numerics.BigInteger:
                writer.WriteRawValue(((IFormattable)bare).ToString(null, CultureInfo.InvariantCulture));
                break;
            case DateTime time:
                writer.WriteStringValue(time.ToString("o", CultureInfo.InvariantCulture));
                break;
            case DateTimeOffset time:
                writer.WriteStringValue(time.ToString("o", CultureInfo.InvariantCulture));
                break;
            case Uri or Guid or TimeSpan:
                writer.WriteStringValue(bare.ToString());
                break;
            case IDictionary dictionary:
                writer.WriteStartObject();
                foreach (DictionaryEntry entry in dictionary)
                {
                    writer.WritePropertyName(entry.Key.ToString()!);
                    Write(writer, entry.Value, depth + 1);
                }
                writer.WriteEndObject();
                break;
            case IEnumerable items:
                writer.WriteStartArray();
                foreach (var item in items) Write(writer, item, depth + 1);
                writer.WriteEndArray();
                break;
            default:
                writer.WriteStartObject();
                foreach (var property in PSObject.AsPSObject(value!).Properties)
                {
                    if (!property.IsGettable) continue;
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value, depth + 1);
                }
                writer.WriteEndObject();
                break;
        }
    }

    public static object? ToPowerShell(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => ToObject(element),
        JsonValueKind.Array => element.EnumerateArray().Select(ToPowerShell).ToArray(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => Number(element),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    /// <summary>A Kubernetes list (kind ...List with an items array): its items; null for anything else.</summary>
    public static IEnumerable<JsonElement>? ListItems(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object
        && root.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Array
        && root.TryGetProperty("kind", out var kind) && kind.ValueKind == JsonValueKind.String
        && kind.GetString()!.EndsWith("List", StringComparison.Ordinal)
            ? items.EnumerateArray()
            : null;

    private static PSObject ToObject(JsonElement element)
    {
        var result = new PSObject();
        foreach (var property in element.EnumerateObject())
        {
            // PowerShell's names are case-insensitive; JSON's are not. The first of two such names wins.
            if (result.Properties[property.Name] is null)
                result.Properties.Add(new PSNoteProperty(property.Name, ToPowerShell(property.Value)));
        }
        return result;
    }

    private static object Number(JsonElement element)
    {
        if (element.TryGetInt32(out var small)) return small;
        if (element.TryGetInt64(out var large)) return large;
        if (element.TryGetDecimal(out var exact) && !element.GetRawText().Contains('e', StringComparison.OrdinalIgnoreCase)) return exact;
        return double.Parse(element.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture);
    }
}
