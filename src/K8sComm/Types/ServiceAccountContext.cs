using Api = K8sComm.Core.Api;
using Discovery = K8sComm.Core.Discovery;

namespace K8sComm;

/// <summary>
/// What a pod is, seen from inside: the output of Get-ServiceAccountContext. The token's claims are
/// what the token says about itself (read, not verified); <see cref="Verification"/> is what the API
/// server says, with -Verify. Never holds the token.
/// </summary>
public sealed class ServiceAccountContext
{
    public Uri ApiServer { get; init; } = null!;
    public string Namespace { get; init; } = "default";
    public NamespaceSource NamespaceSource { get; init; }
    public string? ServiceAccount { get; init; }
    public string? ServiceAccountUid { get; init; }

    /// <summary>The token's subject: system:serviceaccount:NAMESPACE:NAME.</summary>
    public string? Subject { get; init; }

    /// <summary>The pod and node a projected token is bound to; null for other tokens.</summary>
    public string? Pod { get; init; }
    public string? PodUid { get; init; }
    public string? Node { get; init; }
    public ServiceAccountTokenKind TokenKind { get; init; }
    public string? Issuer { get; init; }
    public string[] Audiences { get; init; } = [];
    public DateTimeOffset? IssuedAt { get; init; }

    /// <summary>Null for a token that never expires (a legacy Secret token).</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
    public CertificateSummary? CertificateAuthority { get; init; }
    public string ServiceAccountPath { get; init; } = "";

    /// <summary>With -Verify: who the API server says we are, and what we may do in our namespace.</summary>
    public ServiceAccountVerification? Verification { get; init; }

    public override string ToString() => Subject ?? ApiServer.ToString();

    internal static ServiceAccountContext From(Discovery.ServiceAccountContext context, ServiceAccountVerification? verification) => new()
    {
        ApiServer = context.ApiServer,
        Namespace = context.Namespace,
        NamespaceSource = Enums.Convert<Discovery.NamespaceSource, NamespaceSource>(context.NamespaceSource),
        ServiceAccount = context.Token.ServiceAccountName,
        ServiceAccountUid = context.Token.ServiceAccountUid,
        Subject = context.Token.Subject,
        Pod = context.Token.PodName,
        PodUid = context.Token.PodUid,
        Node = context.Token.NodeName,
        TokenKind = Enums.Convert<Discovery.ServiceAccountTokenKind, ServiceAccountTokenKind>(context.Token.Kind),
        Issuer = context.Token.Issuer,
        Audiences = context.Token.Audiences.ToArray(),
        IssuedAt = context.Token.IssuedAt,
        ExpiresAt = context.Token.Expires,
        CertificateAuthority = context.CertificateAuthority is { } ca ? CertificateSummary.From(ca) : null,
        ServiceAccountPath = context.Directory,
        Verification = verification,
    };
}

/// <summary>What the API server said about the caller (SelfSubjectReview, SelfSubjectRulesReview).</summary>
public sealed class ServiceAccountVerification
{
    public string? UserName { get; init; }
    public string? Uid { get; init; }
    public string[] Groups { get; init; } = [];

    /// <summary>The namespace the rules apply to.</summary>
    public string Namespace { get; init; } = "";
    public AccessRule[] Rules { get; init; } = [];

    /// <summary>The server could not list every rule (an authorizer that can't enumerate, such as a webhook).</summary>
    public bool Incomplete { get; init; }
    public string? EvaluationError { get; init; }

    public override string ToString() => UserName ?? "";

    internal static ServiceAccountVerification From(Api.SelfReview review) => new()
    {
        UserName = review.UserName,
        Uid = review.Uid,
        Groups = review.Groups.ToArray(),
        Namespace = review.Namespace,
        Rules = review.Rules.Select(AccessRule.From).ToArray(),
        Incomplete = review.Incomplete,
        EvaluationError = review.EvaluationError,
    };
}

/// <summary>One RBAC rule the caller has: verbs on resources (of API groups), or on non-resource URLs.</summary>
public sealed class AccessRule
{
    public string[] Verbs { get; init; } = [];
    public string[] ApiGroups { get; init; } = [];
    public string[] Resources { get; init; } = [];
    public string[] ResourceNames { get; init; } = [];
    public string[] NonResourceUrls { get; init; } = [];

    public override string ToString() =>
        $"{string.Join(',', Verbs)} {(NonResourceUrls.Length > 0 ? string.Join(',', NonResourceUrls) : string.Join(',', Resources))}";

    internal static AccessRule From(Api.AccessRule rule) => new()
    {
        Verbs = rule.Verbs.ToArray(),
        ApiGroups = rule.ApiGroups.ToArray(),
        Resources = rule.Resources.ToArray(),
        ResourceNames = rule.ResourceNames.ToArray(),
        NonResourceUrls = rule.NonResourceUrls.ToArray(),
    };
}
