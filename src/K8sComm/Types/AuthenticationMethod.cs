using Discovery = K8sComm.Core.Discovery;

namespace K8sComm;

/// <summary>One way a client authenticates; the credential itself is never shown.</summary>
public sealed class AuthenticationMethod
{
    public AuthenticationKind Kind { get; init; }

    /// <summary>Safe context: an exec command, an auth provider's name, a token file's path, a user name.</summary>
    public string? Detail { get; init; }
    public string? Subject { get; init; }
    public DateTimeOffset? NotAfter { get; init; }

    public override string ToString() => Display.Text(Detail is null ? Kind.ToString() : $"{Kind} ({Detail})");

    internal static AuthenticationMethod From(Discovery.AuthenticationMethod method) => new()
    {
        Kind = Enums.Convert<Discovery.AuthenticationKind, AuthenticationKind>(method.Kind),
        Detail = method.Detail,
        Subject = method.Subject,
        NotAfter = method.NotAfter,
    };
}
