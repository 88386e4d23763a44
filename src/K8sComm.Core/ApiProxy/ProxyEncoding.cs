using System.Text;

namespace K8sComm.Core.ApiProxy;

/// <summary>
/// Percent-encoding for the parts of a proxy URL a user supplies: the sub-path and the query. The sub-path is
/// literal text; anything that could move a request out of the proxy prefix once a client, a proxy in front of
/// the API server or the API server itself normalizes the path is refused instead of encoded.
/// </summary>
public static class ProxyEncoding
{
    private const string Hex = "0123456789ABCDEF";

    /// <summary>Appends <c>/segment/segment...</c> (each segment percent-encoded), keeping a trailing slash.
    /// One leading slash is optional; null or empty appends nothing.</summary>
    /// <exception cref="K8sCommException">ProxyPathInvalid.</exception>
    public static void AppendPath(StringBuilder url, string? path)
    {
        if (string.IsNullOrEmpty(path))
            return;
        var text = path.AsSpan();
        if (text[0] == '/')
            text = text[1..];
        url.Append('/');
        while (true)
        {
            var slash = text.IndexOf('/');
            var segment = slash < 0 ? text : text[..slash];
            if (segment is "." or "..")
                throw PathInvalid(path, $"the segment '{segment.ToString()}' would climb out of the proxy prefix");
            AppendSegment(url, segment, path);
            if (slash < 0)
                return;
            url.Append('/');
            text = text[(slash + 1)..];
        }
    }

    /// <summary>Appends <c>?query</c>: characters a query may carry stay as they are (an existing %XX escape
    /// included), every other character is percent-encoded as UTF-8. Null or empty appends nothing.</summary>
    /// <exception cref="K8sCommException">ProxyPathInvalid for text that is not valid Unicode.</exception>
    public static void AppendQuery(StringBuilder url, string? query)
    {
        if (string.IsNullOrEmpty(query))
            return;
        var text = query.AsSpan();
        if (text[0] == '?')
            text = text[1..];
        if (text.IsEmpty)
            return;
        url.Append('?');
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (IsPathCharacter(c) || c is '/' or '?' || (c == '%' && IsEscape(text, i)))
                url.Append(c);
            else
                i = AppendEscaped(url, text, i, query);
        }
    }

    /// <summary>A query from names and values (a hashtable's entries): <c>name=value&amp;...</c>, each side
    /// encoded as data; a null value gives the bare name.</summary>
    public static string QueryFrom(IEnumerable<KeyValuePair<string, string?>> pairs)
    {
        var query = new StringBuilder();
        foreach (var (name, value) in pairs)
        {
            if (query.Length > 0)
                query.Append('&');
            query.Append(Uri.EscapeDataString(name));
            if (value is not null)
                query.Append('=').Append(Uri.EscapeDataString(value));
        }
        return query.ToString();
    }

    private static void AppendSegment(StringBuilder url, ReadOnlySpan<char> segment, string path)
    {
        for (var i = 0; i < segment.Length; i++)
        {
            var c = segment[i];
            if (IsPathCharacter(c))
            {
                url.Append(c);
                continue;
            }
            switch (c)
            {
                case '\\':
                    throw PathInvalid(path, "a backslash is a path separator to some servers and proxies");
                case < ' ' or '\x7f':
                    throw PathInvalid(path, "it contains a control character");
                case '%' when IsEscape(segment, i) && DecodesToSeparatorOrDot(segment, i):
                    throw PathInvalid(path, $"'{segment.Slice(i, 3).ToString()}' is an encoded slash, dot or backslash");
            }
            i = AppendEscaped(url, segment, i, path);
        }
    }

    // pchar = unreserved / sub-delims / ":" / "@" (RFC 3986); '%' is always data here, so it is escaped.
    private static bool IsPathCharacter(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
            or '-' or '.' or '_' or '~'
            or '!' or '$' or '&' or '\'' or '(' or ')' or '*' or '+' or ',' or ';' or '='
            or ':' or '@';

    private static bool IsEscape(ReadOnlySpan<char> text, int i) =>
        i + 2 < text.Length && Uri.IsHexDigit(text[i + 1]) && Uri.IsHexDigit(text[i + 2]);

    private static bool DecodesToSeparatorOrDot(ReadOnlySpan<char> text, int i) =>
        (char)Convert.ToByte(text.Slice(i + 1, 2).ToString(), 16) is '/' or '.' or '\\';

    /// <summary>Escapes the character at <paramref name="i"/> (a surrogate pair as one code point); returns the
    /// index of its last UTF-16 unit.</summary>
    private static int AppendEscaped(StringBuilder url, ReadOnlySpan<char> text, int i, string original)
    {
        if (Rune.DecodeFromUtf16(text[i..], out var rune, out var consumed) != System.Buffers.OperationStatus.Done)
            throw PathInvalid(original, "it is not valid Unicode (a lone surrogate)");
        Span<byte> bytes = stackalloc byte[4];
        var length = rune.EncodeToUtf8(bytes);
        foreach (var b in bytes[..length])
            url.Append('%').Append(Hex[b >> 4]).Append(Hex[b & 0xF]);
        return i + consumed - 1;
    }

    private static K8sCommException PathInvalid(string path, string problem) =>
        new(FailureReason.ProxyPathInvalid, $"The proxy sub-path '{path}' is refused: {problem}.", path, [path, problem]);
}
