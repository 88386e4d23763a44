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
        if (IsPlainPath(text))
        {
            url.Append(text);
            return;
        }
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
        var run = 0; // start of the pending run of characters that need no escaping
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (IsPathCharacter(c) || c is '/' or '?' || (c == '%' && IsEscape(text, i)))
                continue;
            url.Append(text[run..i]);
            i = AppendEscaped(url, text, i, query);
            run = i + 1;
        }
        url.Append(text[run..]);
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
        var run = 0; // start of the pending run of characters that need no escaping
        for (var i = 0; i < segment.Length; i++)
        {
            var c = segment[i];
            if (IsPathCharacter(c))
                continue;
            switch (c)
            {
                case '\\':
                    throw PathInvalid(path, "a backslash is a path separator to some servers and proxies");
                case < ' ' or '\x7f':
                    throw PathInvalid(path, "it contains a control character");
                case '%' when IsEscape(segment, i) && DecodesToSeparatorOrDot(segment, i):
                    throw PathInvalid(path, $"'{segment.Slice(i, 3).ToString()}' is an encoded slash, dot or backslash");
            }
            url.Append(segment[run..i]);
            i = AppendEscaped(url, segment, i, path);
            run = i + 1;
        }
        url.Append(segment[run..]);
    }

    // The common case: only path characters and slashes, and no segment made of dots alone.
    private static bool IsPlainPath(ReadOnlySpan<char> text)
    {
        var dotsOnly = true; // the current segment so far holds only dots (or nothing)
        var length = 0;
        foreach (var c in text)
        {
            if (c == '/')
            {
                if (dotsOnly && length > 0 && length <= 2)
                    return false;
                dotsOnly = true;
                length = 0;
                continue;
            }
            if (!IsPathCharacter(c))
                return false;
            dotsOnly &= c == '.';
            length++;
        }
        return !(dotsOnly && length is > 0 and <= 2);
    }

    // pchar = unreserved / sub-delims / ":" / "@" (RFC 3986); '%' is always data here, so it is escaped.
    private static readonly bool[] PathCharacters = Enumerable.Range(0, 128).Select(c => (char)c is
        (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
        or '-' or '.' or '_' or '~'
        or '!' or '$' or '&' or '\'' or '(' or ')' or '*' or '+' or ',' or ';' or '='
        or ':' or '@').ToArray();

    private static bool IsPathCharacter(char c) => c < 128 && PathCharacters[c];

    private static bool IsEscape(ReadOnlySpan<char> text, int i) =>
        i + 2 < text.Length && Uri.IsHexDigit(text[i + 1]) && Uri.IsHexDigit(text[i + 2]);

    private static bool DecodesToSeparatorOrDot(ReadOnlySpan<char> text, int i) =>
        (char)((HexValue(text[i + 1]) << 4) | HexValue(text[i + 2])) is '/' or '.' or '\\';

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

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
