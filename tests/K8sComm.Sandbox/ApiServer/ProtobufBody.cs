using System.Text;
using System.Text.Json.Nodes;

namespace K8sComm.Sandbox.ApiServer;

/// <summary>
/// kubectl sends review objects as Kubernetes protobuf (the "k8s\0" envelope around a runtime.Unknown).
/// This reads just enough of that wire format to turn a SelfSubjectReview or SelfSubjectAccessReview into
/// the JSON shape the rest of the server works with. Answers still go out as JSON, which kubectl accepts.
/// </summary>
public static class ProtobufBody
{
    private static readonly byte[] Magic = [(byte)'k', (byte)'8', (byte)'s', 0];

    public static bool IsProtobuf(string? contentType) =>
        contentType?.StartsWith("application/vnd.kubernetes.protobuf", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>The review as JSON (only spec is read), or null when the bytes are not a well-formed envelope.</summary>
    public static JsonObject? ReadReview(byte[] body)
    {
        try
        {
            if (body.Length < Magic.Length || !body.AsSpan(0, Magic.Length).SequenceEqual(Magic)) return null;
            var unknown = Fields(body.AsMemory(Magic.Length));
            var raw = unknown.FirstOrDefault(f => f.Number == 2).Value;
            var review = new JsonObject();
            foreach (var (number, value) in Fields(raw))
            {
                if (number == 2) review["spec"] = Spec(value);
            }

            return review;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static JsonObject Spec(ReadOnlyMemory<byte> bytes)
    {
        var spec = new JsonObject();
        foreach (var (number, value) in Fields(bytes))
        {
            if (number == 1) spec["resourceAttributes"] = Strings(value, "namespace", "verb", "group", "version", "resource", "subresource", "name");
            if (number == 2) spec["nonResourceAttributes"] = Strings(value, "path", "verb");
        }

        return spec;
    }

    /// <summary>A message whose fields 1..n are the given strings (other fields are skipped).</summary>
    private static JsonObject Strings(ReadOnlyMemory<byte> bytes, params string[] names)
    {
        var result = new JsonObject();
        foreach (var (number, value) in Fields(bytes))
        {
            if (number >= 1 && number <= names.Length) result[names[number - 1]] = Encoding.UTF8.GetString(value.Span);
        }

        return result;
    }

    /// <summary>The length-delimited fields of a message; varint and fixed fields are skipped.</summary>
    private static List<(int Number, ReadOnlyMemory<byte> Value)> Fields(ReadOnlyMemory<byte> message)
    {
        var fields = new List<(int, ReadOnlyMemory<byte>)>();
        var span = message.Span;
        var at = 0;
        while (at < span.Length)
        {
            var key = ReadVarint(span, ref at);
            var number = (int)(key >> 3);
            switch (key & 7)
            {
                case 0:
                    ReadVarint(span, ref at);
                    break;
                case 1:
                    at += 8;
                    break;
                case 2:
                    var length = (int)ReadVarint(span, ref at);
                    if (length < 0 || at + length > span.Length) throw new FormatException("truncated protobuf field");
                    fields.Add((number, message.Slice(at, length)));
                    at += length;
                    break;
                case 5:
                    at += 4;
                    break;
                default:
                    throw new FormatException("unsupported protobuf wire type");
            }
        }

        if (at != span.Length) throw new FormatException("truncated protobuf message");
        return fields;
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> span, ref int at)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (at >= span.Length) throw new FormatException("truncated varint");
            var b = span[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return value;
        }

        throw new FormatException("varint too long");
    }
}
