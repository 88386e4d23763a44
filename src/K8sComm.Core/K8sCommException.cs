namespace K8sComm.Core;

/// <summary>
/// A failure the user can act on. <see cref="Arguments"/> fill the localized message template named
/// after <see cref="Reason"/>; they never hold secrets (tokens, keys, passwords), and neither does
/// <see cref="Exception.Message"/>, which is the English fallback. The message has its control characters
/// made visible (it may quote a name or a server's sentence); the arguments stay raw for the caller to show safely.
/// </summary>
public class K8sCommException : Exception
{
    public K8sCommException(FailureReason reason, string message, object? target = null,
        IReadOnlyList<string>? arguments = null, Exception? innerException = null)
        : base(Text.DisplayText.Escape(message), innerException)
    {
        Reason = reason;
        Target = target;
        Arguments = arguments ?? Array.Empty<string>();
    }

    public FailureReason Reason { get; }

    /// <summary>What the failure is about: a file path, a context name, a field.</summary>
    public object? Target { get; }

    public IReadOnlyList<string> Arguments { get; }
}
