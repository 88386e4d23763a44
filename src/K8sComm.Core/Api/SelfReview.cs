using k8s.Models;

namespace K8sComm.Core.Api;

/// <summary>One rule the API server says the caller has, as SelfSubjectRulesReview reports it.</summary>
public sealed record AccessRule(
    IReadOnlyList<string> Verbs,
    IReadOnlyList<string> ApiGroups,
    IReadOnlyList<string> Resources,
    IReadOnlyList<string> ResourceNames,
    IReadOnlyList<string> NonResourceUrls);

/// <summary>Who the API server thinks the caller is, and what it may do in one namespace.</summary>
public sealed record SelfReview(
    string? UserName,
    string? Uid,
    IReadOnlyList<string> Groups,
    string Namespace,
    IReadOnlyList<AccessRule> Rules,
    bool Incomplete,
    string? EvaluationError);

/// <summary>
/// Asks the API server about the caller: SelfSubjectReview (who am I) and SelfSubjectRulesReview (what may
/// I do in this namespace). Both are allowed to every authenticated user by the default RBAC policy.
/// </summary>
public static class SelfReviewer
{
    private const string SelfSubjectReviewPath = "/apis/authentication.k8s.io/v1/selfsubjectreviews";
    private const string RulesReviewPath = "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews";

    public static async Task<SelfReview> ReviewAsync(ApiServerClient client, string ns, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(ns);
        var who = await client.CreateAsync(SelfSubjectReviewPath,
            new V1SelfSubjectReview { ApiVersion = "authentication.k8s.io/v1", Kind = "SelfSubjectReview" }, cancellationToken).ConfigureAwait(false);
        var rules = await client.CreateAsync(RulesReviewPath, new V1SelfSubjectRulesReview
        {
            ApiVersion = "authorization.k8s.io/v1",
            Kind = "SelfSubjectRulesReview",
            Spec = new V1SelfSubjectRulesReviewSpec { NamespaceProperty = ns },
        }, cancellationToken).ConfigureAwait(false);

        var user = who.Status?.UserInfo;
        var status = rules.Status;
        var accessRules = (status?.ResourceRules ?? [])
            .Select(r => new AccessRule(List(r.Verbs), List(r.ApiGroups), List(r.Resources), List(r.ResourceNames), []))
            .Concat((status?.NonResourceRules ?? [])
                .Select(r => new AccessRule(List(r.Verbs), [], [], [], List(r.NonResourceURLs))))
            .ToList();
        return new SelfReview(user?.Username, user?.Uid, List(user?.Groups), ns, accessRules,
            status?.Incomplete ?? false, string.IsNullOrEmpty(status?.EvaluationError) ? null : status.EvaluationError);
    }

    private static IReadOnlyList<string> List(IEnumerable<string>? values) => values?.ToList() ?? [];
}
