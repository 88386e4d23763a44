using System.Globalization;
using System.Text;

namespace K8sComm.Sandbox.ApiServer;

/// <summary>
/// limit/continue paging of a list, as the API server does it: a page of at most <c>limit</c> items and an
/// opaque continue token for the rest. The token here encodes the resource version and offset; one from
/// another list state is 410 Gone ("Expired"), as etcd compaction makes it on a real cluster.
/// </summary>
internal readonly record struct ListPage(int Offset, int Count, string? Continue)
{
    public static bool TryCut(string limitText, string continueText, int total, out ListPage page,
        out (int Code, string Reason, string Message)? problem)
    {
        page = new ListPage(0, total, null);
        problem = null;
        var offset = 0;
        if (continueText.Length > 0 && !TryReadToken(continueText, total, out offset))
        {
            problem = (410, "Expired", "The provided continue parameter is too old to display a consistent list result. " +
                                       "You can start a new list without the continue parameter.");
            return false;
        }

        if (limitText.Length > 0 && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) || limit < 0))
        {
            problem = (400, "BadRequest", $"invalid limit \"{limitText}\"");
            return false;
        }

        var count = limitText.Length > 0 && int.Parse(limitText, CultureInfo.InvariantCulture) is > 0 and var l ? Math.Min(l, total - offset) : total - offset;
        var next = offset + count < total ? Token(offset + count, total) : null;
        page = new ListPage(offset, count, next);
        return true;
    }

    private static string Token(int offset, int total) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{{\"start\":{offset},\"total\":{total}}}"));

    private static bool TryReadToken(string token, int total, out int offset)
    {
        offset = 0;
        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(Convert.FromBase64String(token));
            offset = json.RootElement.GetProperty("start").GetInt32();
            return json.RootElement.GetProperty("total").GetInt32() == total && offset >= 0 && offset <= total;
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return false;
        }
    }
}
