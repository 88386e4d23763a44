using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace K8sComm.Core.Text;

/// <summary>
/// Makes untrusted text safe to show. Names, subjects, file names and server messages come from files
/// and servers we don't control: <see cref="Escape"/> turns every control or invisible formatting
/// character into a visible stand-in, so none can clear a terminal, set its title or reorder a line.
/// URLs and command lines may carry secrets outside the credential fields: <see cref="RedactUrl"/> and
/// <see cref="RedactArguments"/> replace them. Objects keep raw values; views and messages use these.
/// </summary>
public static partial class DisplayText
{
    /// <summary>What a secret is replaced with, as <c>kubectl config view</c> does.</summary>
    public const string Redacted = "REDACTED";

    /// <summary>
    /// The text with C0 controls and DEL shown as Unicode control pictures (ESC as ␛, newline as ␊) and
    /// C1 controls, bidirectional overrides, zero-width and line-separator characters as <c>\u{XXXX}</c>.
    /// Text that needs nothing is returned as is.
    /// </summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text) || !text.Any(NeedsEscape))
            return text ?? "";

        var builder = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (!NeedsEscape(c))
                builder.Append(c);
            else if (c < 0x20)
                builder.Append((char)(0x2400 + c));
            else if (c == 0x7F)
                builder.Append('\u2421');
            else
                builder.Append(CultureInfo.InvariantCulture, $"\\u{{{(int)c:X4}}}");
        }
        return builder.ToString();
    }

    private static bool NeedsEscape(char c) =>
        c < 0x20 || c is >= '\u007F' and <= '\u009F'
        || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;

    /// <summary>
    /// The URL as written, with a password in its user-info and every query value replaced by
    /// <see cref="Redacted"/>. The user name, host, port and path stay, so the URL is still recognisable.
    /// Text that is not URL-shaped is returned unchanged.
    /// </summary>
    public static string RedactUrl(string? url)
    {
        if (string.IsNullOrEmpty(url))
            return url ?? "";

        var (authorityStart, authorityEnd, queryStart, queryEnd) = Parts(url);
        var builder = new StringBuilder(url.Length);
        var authority = url[authorityStart..authorityEnd];
        var at = authority.LastIndexOf('@');
        var colon = at < 0 ? -1 : authority.IndexOf(':', 0, at);
        builder.Append(url, 0, authorityStart);
        builder.Append(colon < 0 ? authority : authority[..(colon + 1)] + Redacted + authority[at..]);
        builder.Append(url, authorityEnd, queryStart - authorityEnd);
        if (queryStart < queryEnd)
        {
            // queryStart is the '?' itself.
            builder.Append('?');
            var pairs = url[(queryStart + 1)..queryEnd].Split('&');
            builder.AppendJoin('&', pairs.Select(pair => pair.Length == 0 ? pair
                : pair.IndexOf('=') is var eq and >= 0 ? pair[..(eq + 1)] + Redacted : Redacted));
        }
        builder.Append(url, queryEnd, url.Length - queryEnd);
        return builder.ToString();
    }

    /// <summary>The URL for display from a parsed URI (its original string when it has one).</summary>
    public static string RedactUrl(Uri? uri) => RedactUrl(uri?.OriginalString);

    /// <summary>Whether the URL carries a password in its user-info or any query parameter: a secret
    /// that ends up in logs, proxies and error messages.</summary>
    public static bool HasCredentials(string? url)
    {
        if (string.IsNullOrEmpty(url))
            return false;
        var (authorityStart, authorityEnd, queryStart, queryEnd) = Parts(url);
        var authority = url.AsSpan(authorityStart, authorityEnd - authorityStart);
        var at = authority.LastIndexOf('@');
        return (at >= 0 && authority[..at].Contains(':')) || queryEnd - queryStart > 1;
    }

    /// <summary>
    /// An exec plugin's command line for display: the value of any flag whose name suggests a secret
    /// (<c>--token=x</c>, <c>--password x</c>) and any URL's secrets, replaced. Positional secrets can't be
    /// told from other words; the finding for exec says to keep secrets out of the command line.
    /// </summary>
    public static IReadOnlyList<string> RedactArguments(IReadOnlyList<string> arguments)
    {
        var result = new string[arguments.Count];
        var hideNext = false;
        for (var i = 0; i < arguments.Count; i++)
        {
            var argument = arguments[i];
            if (hideNext)
            {
                result[i] = Redacted;
                hideNext = false;
                continue;
            }

            var match = SecretFlag().Match(argument);
            if (match.Success && match.Groups["value"].Success)
                result[i] = match.Groups["flag"].Value + "=" + Redacted;
            else if (match.Success)
                (result[i], hideNext) = (argument, true);
            else
                result[i] = argument.Contains("://", StringComparison.Ordinal) ? RedactUrl(argument) : argument;
        }
        return result;
    }

    // A flag whose name holds a secret-like word: --token, --client-secret, --password=..., --api-key.
    [GeneratedRegex(@"^(?<flag>--?[A-Za-z0-9_.-]*(?:token|secret|passw(?:or)?d|pwd|key|credential|auth)[A-Za-z0-9_.-]*)(?:=(?<value>.*))?$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretFlag();

    /// <summary>Where the authority and the query are: [authorityStart, authorityEnd), [queryStart, queryEnd)
    /// with queryStart at the '?' (queryStart == queryEnd when there is none).</summary>
    private static (int AuthorityStart, int AuthorityEnd, int QueryStart, int QueryEnd) Parts(string url)
    {
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        var authorityStart = scheme < 0 ? 0 : scheme + 3;
        var authorityEnd = url.IndexOfAny(['/', '?', '#'], authorityStart);
        if (authorityEnd < 0)
            authorityEnd = url.Length;
        var fragment = url.IndexOf('#', authorityEnd);
        var end = fragment < 0 ? url.Length : fragment;
        var query = url.IndexOf('?', authorityEnd, end - authorityEnd);
        return query < 0 ? (authorityStart, authorityEnd, end, end) : (authorityStart, authorityEnd, query, end);
    }
}
