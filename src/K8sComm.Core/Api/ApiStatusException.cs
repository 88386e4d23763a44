using System.Text.Json;
using k8s.Models;

namespace K8sComm.Core.Api;

/// <summary>
/// The API server answered with an error status. <see cref="Code"/> is the HTTP code,
/// <see cref="StatusReason"/> the Kubernetes reason (<c>Unauthorized</c>, <c>Forbidden</c>, <c>NotFound</c>, ...)
/// and the message is the server's own sentence from its <c>Status</c> body. A 403 from RBAC also says
/// who was refused what, and which rule is missing (<see cref="Denial"/>); its arguments then go on with
/// user, verb, resource (or path), namespace, Role or ClusterRole, the rule and the kubectl commands.
/// </summary>
public sealed class ApiStatusException : K8sCommException
{
    private const int MaxSnippet = 200;

    public ApiStatusException(int code, string? statusReason, string message, string? path)
        : this(code, statusReason, message, path, code == 403 ? RbacDenial.Parse(message) : null)
    {
    }

    private ApiStatusException(int code, string? statusReason, string message, string? path, RbacDenial? denial)
        : base(ReasonFor(code), denial is null ? message : $"{message}. Missing: a {denial.Scope} with the rule {denial.Rule}, bound to {denial.User} ({denial.GrantCommand}).",
            path, ArgumentsFor(code, statusReason, message, path, denial))
    {
        Code = code;
        StatusReason = statusReason;
        Path = path;
        ServerMessage = message;
        Denial = denial;
    }

    public int Code { get; private init; }
    public string? StatusReason { get; private init; }
    /// <summary>The request path (no query string, which could carry a token in some setups).</summary>
    public string? Path { get; private init; }

    /// <summary>The API server's own sentence, as its Status said it.</summary>
    public string ServerMessage { get; }

    /// <summary>For a 403 from RBAC: who was refused what, and the rule that would allow it.</summary>
    public RbacDenial? Denial { get; }

    private static string[] ArgumentsFor(int code, string? statusReason, string message, string? path, RbacDenial? denial)
    {
        string[] common = [code.ToString(), statusReason ?? "", message, path ?? ""];
        return denial is null
            ? common
            : [.. common, denial.User, denial.Verb, denial.Resource ?? denial.NonResourcePath ?? "", denial.Namespace ?? "",
                denial.RoleKind, denial.Rule, denial.GrantCommand];
    }

    public static FailureReason ReasonFor(int code) => code switch
    {
        401 => FailureReason.ApiUnauthorized,
        403 => FailureReason.ApiForbidden,
        404 => FailureReason.ApiNotFound,
        _ => FailureReason.ApiError,
    };

    /// <summary>Builds the exception from a response body: a Kubernetes <c>Status</c> when it is one,
    /// else the HTTP code with the start of the body.</summary>
    public static ApiStatusException FromResponse(int code, string? reasonPhrase, string body, string? path)
    {
        if (TryReadStatus(body, out var statusCode, out var reason, out var message))
            return new ApiStatusException(statusCode ?? code, reason, message ?? $"HTTP {code}", path);

        var snippet = body.Length > MaxSnippet ? body[..MaxSnippet] + "..." : body;
        snippet = new string(snippet.Select(c => char.IsControl(c) ? ' ' : c).ToArray()).Trim();
        var text = $"HTTP {code}{(string.IsNullOrEmpty(reasonPhrase) ? "" : " " + reasonPhrase)}"
                   + (snippet.Length > 0 ? $": {snippet}" : "");
        return new ApiStatusException(code, reasonPhrase?.Replace(" ", ""), text, path);
    }

    private static bool TryReadStatus(string body, out int? code, out string? reason, out string? message)
    {
        code = null;
        reason = message = null;
        try
        {
            var status = k8s.KubernetesJson.Deserialize<V1Status>(body);
            if (status?.Kind != "Status")
                return false;
            (code, reason, message) = (status.Code, status.Reason, status.Message);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
