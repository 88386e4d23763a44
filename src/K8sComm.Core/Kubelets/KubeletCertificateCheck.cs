using System.Diagnostics;
using System.Net;
using K8sComm.Core.Api;
using K8sComm.Core.Discovery;
using K8sComm.Core.Tls;
using K8sComm.Core.Transport;
using Status = K8sComm.Core.Kubelets.KubeletCertificateStatus;

namespace K8sComm.Core.Kubelets;

/// <summary>
/// Checks one kubelet: connects, captures the chain its TLS handshake presents and judges it
/// (<see cref="KubeletCertificateJudge"/>); optionally asks <c>/pods</c> anonymously on the HTTPS port and on
/// the read-only port. A kubelet that can't be reached is a result, not an exception. Everything is bounded
/// by <see cref="KubeletCheckOptions.Timeout"/>; cancelling closes the sockets.
/// </summary>
public static class KubeletCertificateCheck
{
    // Enough for the status line and headers; the body of an open /pods is never read.
    private const int MaxAnswerBytes = 64 * 1024;

    /// <exception cref="OperationCanceledException">Only when <paramref name="cancellationToken"/> is cancelled.</exception>
    public static async Task<KubeletCheckResult> CheckAsync(KubeletTarget target, KubeletCheckOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(options);
        var started = Stopwatch.GetTimestamp();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Timeout);
        var result = await CertificateAsync(target, options, deadline.Token, cancellationToken).ConfigureAwait(false);

        if (result.Status is not (Status.Unreachable or Status.HandshakeFailed))
        {
            var findings = result.Findings.ToList();
            if (options.CheckAuthentication)
            {
                var (access, finding) = await AnonymousAccessAsync(target, options, deadline.Token, cancellationToken).ConfigureAwait(false);
                result = result with { AnonymousAccess = access };
                if (finding is not null)
                    findings.Add(finding);
            }
            if (options.CheckReadOnlyPort)
            {
                var (open, finding) = await ReadOnlyPortAsync(target, options, deadline.Token, cancellationToken).ConfigureAwait(false);
                result = result with { ReadOnlyPortOpen = open };
                if (finding is not null)
                    findings.Add(finding);
            }
            result = result with { Findings = findings.OrderByDescending(f => f.Severity).ToArray() };
        }
        return result with { Elapsed = Stopwatch.GetElapsedTime(started) };
    }

    private static async Task<KubeletCheckResult> CertificateAsync(KubeletTarget target, KubeletCheckOptions options,
        CancellationToken deadline, CancellationToken cancellationToken)
    {
        Stream tcp;
        try
        {
            tcp = await TcpConnector.OpenAsync(target.Host, target.Port, proxy: null, deadline).ConfigureAwait(false);
        }
        catch (K8sCommException e)
        {
            return KubeletCertificateJudge.Failed(target, options.Authority, Status.Unreachable, Cause(e));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return KubeletCertificateJudge.Failed(target, options.Authority, Status.Unreachable,
                $"no TCP connection within {Seconds(options.Timeout)} s");
        }

        await using (tcp.ConfigureAwait(false))
        {
            HandshakeCapture presented;
            try
            {
                presented = await ManagedTlsHandshake.RunAsync(tcp, target.Host, target.Port, ["http/1.1"], deadline).ConfigureAwait(false);
            }
            catch (K8sCommException e)
            {
                return KubeletCertificateJudge.Failed(target, options.Authority, Status.HandshakeFailed, Cause(e));
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return KubeletCertificateJudge.Failed(target, options.Authority, Status.HandshakeFailed,
                    $"no TLS handshake within {Seconds(options.Timeout)} s");
            }

            var judged = KubeletCertificateJudge.Judge(target, presented.Certificates, options.Authority,
                options.TimeProvider.GetUtcNow(), options.WarningDays);
            return judged with { TlsVersion = presented.Protocol };
        }
    }

    /// <summary>
    /// An anonymous <c>GET /pods</c>: 401 means anonymous authentication is off; 403 means it is on and only
    /// authorization stands in the way; 2xx means anyone may use the kubelet API.
    /// </summary>
    private static async Task<(AnonymousAccess, Finding?)> AnonymousAccessAsync(KubeletTarget target, KubeletCheckOptions options,
        CancellationToken deadline, CancellationToken cancellationToken)
    {
        var server = new UriBuilder(Uri.UriSchemeHttps, target.Host, target.Port).Uri;
        // Nothing secret is sent, so the certificate need not verify for this look.
        var status = await StatusOfPodsAsync(new ServerTarget { Server = server, AcceptAnyServerCertificate = true }, options, deadline, cancellationToken)
            .ConfigureAwait(false);
        return status switch
        {
            (HttpStatusCode.Unauthorized, _) => (AnonymousAccess.Rejected, null),
            (HttpStatusCode.Forbidden, _) => (AnonymousAccess.Denied, new Finding(FindingIds.KubeletAnonymousAuthEnabled, FindingSeverity.Medium,
                "The kubelet accepts anonymous requests (403: only authorization stops them). Set authentication.anonymous.enabled: false.",
                [target.Authority])),
            ({ } code, _) when (int)code is >= 200 and < 300 => (AnonymousAccess.Allowed, new Finding(FindingIds.KubeletAnonymousAccessAllowed, FindingSeverity.Critical,
                "The kubelet API answers anyone: an anonymous GET /pods succeeded. Set authentication.anonymous.enabled: false and authorization.mode: Webhook.",
                [target.Authority])),
            ({ } code, _) => (AnonymousAccess.Unknown, Unchecked(target, $"GET /pods answered {(int)code}")),
            (null, var error) => (AnonymousAccess.Unknown, Unchecked(target, error!)),
        };
    }

    /// <summary>Whether plain HTTP on the read-only port serves <c>/pods</c>; a refused connection means closed.</summary>
    private static async Task<(bool?, Finding?)> ReadOnlyPortAsync(KubeletTarget target, KubeletCheckOptions options,
        CancellationToken deadline, CancellationToken cancellationToken)
    {
        var server = new UriBuilder(Uri.UriSchemeHttp, target.Host, target.ReadOnlyPort).Uri;
        var (code, error) = await StatusOfPodsAsync(new ServerTarget { Server = server }, options, deadline, cancellationToken).ConfigureAwait(false);
        if (code is { } status && (int)status is >= 200 and < 300)
        {
            return (true, new Finding(FindingIds.KubeletReadOnlyPortOpen, FindingSeverity.High,
                $"The read-only port {target.ReadOnlyPort} serves /pods over plain HTTP to anyone. Set readOnlyPort: 0 in the kubelet configuration.",
                [target.ReadOnlyPort.ToString(System.Globalization.CultureInfo.InvariantCulture)]));
        }
        return (code is null && error is not null && !error.StartsWith(RefusedPrefix, StringComparison.Ordinal) ? null : false, null);
    }

    private const string RefusedPrefix = "refused: ";

    private static async Task<(HttpStatusCode?, string?)> StatusOfPodsAsync(ServerTarget server, KubeletCheckOptions options,
        CancellationToken deadline, CancellationToken cancellationToken)
    {
        using var http = new ServerHttpClient(server, new ServerHttpOptions
        {
            ConnectTimeout = options.Timeout,
            MaxResponseBytes = MaxAnswerBytes,
            TimeProvider = options.TimeProvider,
        });
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "pods");
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline).ConfigureAwait(false);
            return (response.StatusCode, null);
        }
        catch (K8sCommException e) when (e.Reason == FailureReason.ServerUnreachable)
        {
            return (null, RefusedPrefix + Cause(e));
        }
        catch (K8sCommException e)
        {
            return (null, Cause(e));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, $"no answer within {Seconds(options.Timeout)} s");
        }
    }

    private static Finding Unchecked(KubeletTarget target, string why) => new(FindingIds.KubeletAuthenticationUnchecked, FindingSeverity.Info,
        $"Whether the kubelet at {target.Authority} admits anonymous requests is unknown: {why}.", [target.Authority, why]);

    private static string Cause(K8sCommException e) => (e.InnerException?.Message ?? e.Message).TrimEnd('.');

    private static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
}
