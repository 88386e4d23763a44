using System.Diagnostics;
using k8s.Models;
using K8sComm.Core.Checks;
using K8sComm.Core.Discovery;
using K8sComm.Core.Tls;

namespace K8sComm.Core.Api;

/// <summary>
/// Probes an API server the way its endpoint would reach it, step by step (see <see cref="ProbeStepNames"/>).
/// Each step's outcome is recorded on the result, never thrown; the whole probe is bounded by one time
/// limit, so a server that trickles its answers holds an endpoint for that long and no longer.
/// Credentials are sent only over a connection whose certificate verified (or where the endpoint says
/// insecure-skip-tls-verify) and never as plain text: otherwise the steps that would carry them are
/// recorded as skipped, with the reason.
/// </summary>
public static class ApiServerProber
{
    private const string NamespacesPath = "/api/v1/namespaces";
    // As kubectl auth whoami: GA from v1.28, beta from v1.27, alpha (behind a feature gate) in v1.26.
    private static readonly string[] SelfSubjectReviewVersions = ["v1", "v1beta1", "v1alpha1"];
    private const int LatencySamples = 3;
    // Probe answers are small; anything this big is a broken or hostile server.
    private const int MaxResponseBytes = 1024 * 1024;

    /// <param name="timeout">Bounds the whole probe of this endpoint: steps still running then are recorded as
    /// timed out, and steps not yet started as skipped.</param>
    /// <exception cref="OperationCanceledException">Only when <paramref name="cancellationToken"/> is cancelled.</exception>
    public static async Task<ProbeResult> ProbeAsync(ResolvedEndpoint endpoint, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        using var run = new StepRun(ProbeStepNames.All, "the probe", timeout, cancellationToken);
        var result = await ProbeStepsAsync(endpoint, timeout, run).ConfigureAwait(false);
        return result with { Findings = ProbeFindings.Evaluate(result, DateTimeOffset.UtcNow) };
    }

    private static async Task<ProbeResult> ProbeStepsAsync(ResolvedEndpoint endpoint, TimeSpan stepTimeout, StepRun run)
    {
        var result = new ProbeResult { Reachable = false };

        // tls: what the server presents, judged against the endpoint's own trust settings.
        var https = string.Equals(endpoint.Server.Scheme, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase);
        ServerTrustPolicy? policy = null;
        ServerTrustVerdict? trust = null;
        TlsHandshakeResult? handshake = null;
        if (https)
        {
            handshake = await run.StepAsync(ProbeStepNames.Tls, ct => TlsHandshake.RunAsync(TlsHandshakeRequest.For(endpoint), stepTimeout, ct))
                .ConfigureAwait(false);
            if (handshake is null)
                return result with { Steps = run.SkipRest($"no TLS connection: {run.LastError}") };

            result = result with
            {
                Reachable = true,
                TlsVersion = handshake.Protocol,
                ApplicationProtocol = handshake.ApplicationProtocol,
                ServerCertificate = handshake.ServerCertificate,
                PresentedChain = handshake.ChainFacts,
            };
            try
            {
                // The authenticated client shares this policy, so its own check of the same certificate is a lookup.
                policy = ServerTrustPolicy.For(endpoint);
                trust = policy.Evaluate(handshake.PresentedChain, DateTimeOffset.UtcNow);
                result = result with
                {
                    TrustSource = trust.Source,
                    ChainTrusted = trust.ChainTrusted,
                    ChainError = trust.ChainError,
                    ServerName = trust.ServerName,
                    NameMatches = trust.NameMatches,
                    NameError = trust.NameError,
                    CertificateWeaknesses = trust.Weaknesses,
                };
            }
            catch (K8sCommException e)
            {
                // The CA data itself is unreadable: nothing can verify, so nothing is trusted.
                result = result with { ChainTrusted = false, ChainError = e.Message, ServerName = ServerTrustPolicy.ServerNameOf(endpoint) };
            }
        }
        else
        {
            run.Skip(ProbeStepNames.Tls, "plain http: the server is reached without TLS");
        }

        var credentials = endpoint.Credentials;
        var hasCredentials = credentials.HasAny;
        var withheld = !hasCredentials ? null
            : credentials.Unusable is { } file ? $"credentials not sent: {file.Field} names '{file.Path}', which {file.Problem}"
            // trust.Trusted already counts insecure-skip-tls-verify; no verdict at all means unreadable CA data.
            : https ? (trust?.Trusted == true ? null
                : $"credentials withheld: the server certificate is not trusted ({trust?.Problem ?? result.ChainError})")
            : $"credentials withheld: plain http would expose them";
        result = result with { CredentialsWithheld = withheld is not null };

        var clientOptions = new ApiServerClientOptions { ConnectTimeout = stepTimeout, MaxResponseBytes = MaxResponseBytes };
        using var anonymous = new ApiServerClient(endpoint, clientOptions with { Anonymous = true, AcceptAnyServerCertificate = true }, trust: null);
        using var authenticated = hasCredentials && withheld is null ? new ApiServerClient(endpoint, clientOptions, policy) : null;
        // The steps a normal client makes go with the endpoint's credentials, or with none when it has none.
        var client = hasCredentials ? authenticated : anonymous;

        // anonymous: on its own connection, alongside the authenticated steps.
        var anonymousAccess = run.StepAsync(ProbeStepNames.Anonymous, async ct =>
        {
            var response = await anonymous.GetAsync(NamespacesPath, ct).ConfigureAwait(false);
            return (int)response.StatusCode switch
            {
                401 => AnonymousAccess.Rejected,
                403 => AnonymousAccess.Denied,
                >= 200 and < 300 => AnonymousAccess.Allowed,
                _ => throw response.ToException(),
            };
        });

        try
        {
            if (client is null)
            {
                run.Skip(ProbeStepNames.Version, withheld!);
                run.Skip(ProbeStepNames.Api, withheld!);
                run.Skip(ProbeStepNames.Livez, withheld!);
                run.Skip(ProbeStepNames.Readyz, withheld!);
            }
            else
            {
                var version = await run.StepAsync(ProbeStepNames.Version, async ct =>
                {
                    var info = await client.GetAsync<VersionInfo>("/version", ct).ConfigureAwait(false);
                    return info.GitVersion ?? throw Invalid("/version", "it has no gitVersion");
                }).ConfigureAwait(false);

                var cidrs = await run.StepAsync(ProbeStepNames.Api, async ct =>
                {
                    var versions = await client.GetAsync<V1APIVersions>("/api", ct).ConfigureAwait(false);
                    return ReadServerAddresses(versions);
                }).ConfigureAwait(false);

                var live = await HealthAsync(run, client, ProbeStepNames.Livez, "/livez").ConfigureAwait(false);
                var ready = await HealthAsync(run, client, ProbeStepNames.Readyz, "/readyz").ConfigureAwait(false);
                result = result with
                {
                    ServerVersion = version,
                    ServerAddressByClientCidrs = cidrs ?? result.ServerAddressByClientCidrs,
                    Live = live,
                    Ready = ready,
                };
            }

            if (!hasCredentials)
                run.Skip(ProbeStepNames.Identity, "the endpoint has no credentials");
            else if (authenticated is null)
                run.Skip(ProbeStepNames.Identity, withheld!);
            else
            {
                var identity = await run.StepAsync(ProbeStepNames.Identity, ct => WhoAmIAsync(authenticated, ct)).ConfigureAwait(false);
                result = result with { Identity = identity };
            }
        }
        catch (OperationCanceledException)
        {
            // Cancelled: let the anonymous step end too before its client is disposed.
            await Task.WhenAny(anonymousAccess).ConfigureAwait(false);
            throw;
        }

        result = result with { AnonymousAccess = await anonymousAccess.ConfigureAwait(false) };

        // latency: round trips on a connection that is already open, so no handshake is counted.
        var latency = await run.StepAsync(ProbeStepNames.Latency, async ct =>
        {
            var samples = new List<TimeSpan>(LatencySamples);
            for (var i = 0; i < LatencySamples; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await (authenticated ?? anonymous).GetAsync("/livez", ct).ConfigureAwait(false);
                samples.Add(Stopwatch.GetElapsedTime(started));
            }
            samples.Sort();
            return (TimeSpan?)samples[LatencySamples / 2];
        }).ConfigureAwait(false);

        if (https && handshake is not null)
            result = CheckLaterConnections(result, handshake.PresentedChain, policy, [anonymous, authenticated]);

        return result with
        {
            Reachable = result.Reachable || run.GotAnyResponse,
            Latency = latency ?? TimeSpan.Zero,
            Steps = run.Steps,
        };
    }

    /// <summary>
    /// The first handshake is not the only one: each client connection is shown a certificate too. A server
    /// that presents another one later must not keep the first one's verdict. Chains the connection judged
    /// keep their verdict; the anonymous client's (which accepts anything) are judged here.
    /// </summary>
    private static ProbeResult CheckLaterConnections(ProbeResult result, IReadOnlyList<Org.BouncyCastle.X509.X509Certificate> first,
        ServerTrustPolicy? policy, IEnumerable<ApiServerClient?> clients)
    {
        var firstLeaf = first.Count > 0 ? first[0].GetEncoded() : [];
        var others = clients.OfType<ApiServerClient>().SelectMany(c => c.Presented.All)
            .Where(seen => !seen.Leaf.AsSpan().SequenceEqual(firstLeaf))
            .ToList();
        if (others.Count == 0)
            return result;

        var at = DateTimeOffset.UtcNow;
        var verdicts = others.Select(seen => seen.Verdict ?? policy?.Evaluate(seen.Certificates.Select(CertificateReader.Parse).ToList(), at)).ToList();
        var worst = verdicts.FirstOrDefault(v => v is null || !v.Trusted);
        if (worst is null)
            return result with { CertificateChanged = true };

        var fingerprint = CertificateReader.Describe(CertificateReader.Parse(others[verdicts.IndexOf(worst)].Leaf)).Sha256Fingerprint;
        var why = worst?.Problem ?? "it could not be judged";
        return result with
        {
            CertificateChanged = true,
            ChainTrusted = worst is null ? null : result.ChainTrusted == true && worst.ChainTrusted,
            NameMatches = worst is null ? result.NameMatches : result.NameMatches == true && worst.NameMatches,
            ChainError = $"a later connection was shown another certificate (SHA-256 {fingerprint}): {why}",
        };
    }

    /// <summary>SelfSubjectReview at the newest version the server serves, falling back on 404 as
    /// <c>kubectl auth whoami</c> does; none served is "not supported", not a failure.</summary>
    private static async Task<ProbeIdentity> WhoAmIAsync(ApiServerClient client, CancellationToken cancellationToken)
    {
        foreach (var version in SelfSubjectReviewVersions)
        {
            var review = new V1SelfSubjectReview { ApiVersion = $"authentication.k8s.io/{version}", Kind = "SelfSubjectReview" };
            try
            {
                return ReadIdentity(await client.CreateAsync($"/apis/authentication.k8s.io/{version}/selfsubjectreviews", review, cancellationToken)
                    .ConfigureAwait(false));
            }
            catch (ApiStatusException e) when (e.Code == 404)
            {
            }
        }

        throw new StepNotSupportedException("the server serves no SelfSubjectReview API (authentication.k8s.io v1, v1beta1 or v1alpha1; before v1.27 it is off by default)");
    }

    /// <summary>The server does not offer what a step asks for.</summary>

    private static async Task<bool?> HealthAsync(StepRun run, ApiServerClient client, string step, string path)
    {
        bool? healthy = null;
        await run.StepAsync(step, async ct =>
        {
            var response = await client.GetAsync(path, ct).ConfigureAwait(false);
            healthy = response.IsSuccess;
            return response.IsSuccess ? true : throw response.ToException();
        }).ConfigureAwait(false);
        return healthy;
    }

    private static IReadOnlyList<ServerAddressByClientCidr> ReadServerAddresses(V1APIVersions apiVersions)
    {
        if (apiVersions.Kind != "APIVersions")
            throw Invalid("/api", "it is not an APIVersions object");
        return (apiVersions.ServerAddressByClientCIDRs ?? [])
            .Select(row => new ServerAddressByClientCidr(row.ClientCIDR ?? "", row.ServerAddress ?? ""))
            .ToList();
    }

    private static ProbeIdentity ReadIdentity(V1SelfSubjectReview review) =>
        review.Status?.UserInfo?.Username is { } userName
            ? new ProbeIdentity(userName, review.Status.UserInfo.Groups?.ToList() ?? [])
            : throw Invalid("selfsubjectreviews", "it has no status.userInfo.username");

    private static K8sCommException Invalid(string path, string why) =>
        new(FailureReason.ResponseInvalid, $"The response to {path} can't be used: {why}.", path);
}
