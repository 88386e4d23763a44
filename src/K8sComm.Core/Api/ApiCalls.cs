using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace K8sComm.Core.Api;

/// <summary>One event of a watch: ADDED, MODIFIED, DELETED, BOOKMARK (ERROR ends the watch with its Status).</summary>
public sealed record WatchEvent(string Type, JsonElement Object);

/// <summary>
/// A user's calls through an <see cref="ApiServerClient"/>: one answer read whole, a list followed through
/// its <c>continue</c> tokens, a watch read event by event, a body streamed to a file. An error status
/// becomes an <see cref="ApiStatusException"/> (a 403 from RBAC says which rule is missing).
/// </summary>
public static class ApiCalls
{
    /// <summary>The answer's body; an error status throws.</summary>
    public static async Task<ApiResponse> InvokeAsync(this ApiServerClient client, ApiCall call, CancellationToken cancellationToken)
    {
        var response = await client.SendAsync(call, cancellationToken).ConfigureAwait(false);
        return response.IsSuccess ? response : throw response.ToException();
    }

    /// <summary>
    /// Every page of a list, in order: each request carries <c>limit</c> (when given) and the
    /// <c>continue</c> token of the page before, until a page has none. A 410 (the token expired while
    /// paging) throws like any error status: restarting silently would repeat items.
    /// </summary>
    public static async IAsyncEnumerable<JsonDocument> ListPagesAsync(this ApiServerClient client, ApiCall call, int? limit,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (limit is not null) call = call.WithQuery("limit", limit.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        while (true)
        {
            var response = await client.InvokeAsync(call, cancellationToken).ConfigureAwait(false);
            var page = response.ParseJson();
            var next = ContinueToken(page.RootElement);
            yield return page;
            if (string.IsNullOrEmpty(next)) yield break;
            call = call.WithQuery("continue", next);
        }
    }

    /// <summary>A list's <c>metadata.continue</c>, or null.</summary>
    public static string? ContinueToken(JsonElement list) =>
        list.ValueKind == JsonValueKind.Object
        && list.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
        && metadata.TryGetProperty("continue", out var token) && token.ValueKind == JsonValueKind.String
            ? token.GetString()
            : null;

    /// <summary>
    /// Watches with <c>watch=true</c> and yields each newline-delimited event as it arrives, until the
    /// server ends the stream or <paramref name="cancellationToken"/> is cancelled (Ctrl+C, a timeout).
    /// An ERROR event (such as 410 Gone for an expired resourceVersion) throws its Status.
    /// </summary>
    public static async IAsyncEnumerable<WatchEvent> WatchAsync(this ApiServerClient client, ApiCall call,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        call = call.WithQuery("watch", "true");
        using var response = await client.SendAsync(call, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw await ErrorOf(response, call, cancellationToken).ConfigureAwait(false);

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (true)
        {
            string? line;
            try
            {
                line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (IOException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw new K8sCommException(FailureReason.ResponseInvalid,
                    $"The watch on {call.Path} broke off: {e.Message}", call.Path, innerException: e);
            }
            if (line is null) yield break;
            if (line.Length == 0) continue;

            var watchEvent = ParseEvent(line, call.Path);
            if (watchEvent.Type == "ERROR")
                throw ApiStatusException.FromResponse(ErrorCode(watchEvent.Object), null, watchEvent.Object.GetRawText(), call.Path);
            yield return watchEvent;
        }
    }

    /// <summary>Streams a successful answer's body into <paramref name="destination"/> without holding it
    /// in memory; returns the bytes written. An error status throws before anything is written.</summary>
    public static async Task<long> DownloadAsync(this ApiServerClient client, ApiCall call, Stream destination,
        CancellationToken cancellationToken)
    {
        using var response = await client.SendAsync(call, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw await ErrorOf(response, call, cancellationToken).ConfigureAwait(false);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var start = destination.CanSeek ? destination.Position : 0;
        try
        {
            await body.CopyToAsync(destination, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new K8sCommException(FailureReason.ResponseInvalid,
                $"The response to {call.Path} broke off: {e.Message}", call.Path, innerException: e);
        }
        return destination.CanSeek ? destination.Position - start : -1;
    }

    private static async Task<ApiStatusException> ErrorOf(HttpResponseMessage response, ApiCall call, CancellationToken cancellationToken)
    {
        // An error body is a small Status; read a bounded piece of it.
        var buffer = new byte[64 * 1024];
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        return ApiStatusException.FromResponse((int)response.StatusCode, response.ReasonPhrase,
            Encoding.UTF8.GetString(buffer, 0, read), call.Path);
    }

    private static WatchEvent ParseEvent(string line, string path)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
                && root.TryGetProperty("object", out var obj))
            {
                return new WatchEvent(type.GetString()!, obj.Clone());
            }
        }
        catch (JsonException)
        {
        }
        throw new K8sCommException(FailureReason.ResponseInvalid,
            $"The watch on {path} sent something that is not a watch event.", path);
    }

    private static int ErrorCode(JsonElement status) =>
        status.ValueKind == JsonValueKind.Object && status.TryGetProperty("code", out var code) && code.TryGetInt32(out var value)
            ? value
            : (int)HttpStatusCode.InternalServerError;
}
