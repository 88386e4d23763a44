using System.Globalization;
using System.Management.Automation;
using K8sComm.Core;
using K8sComm.Resources;

namespace K8sComm.Errors;

/// <summary>
/// Turns core failures into ErrorRecords a script can branch on: a stable FullyQualifiedErrorId
/// (<c>K8sComm.&lt;Reason&gt;</c>), the right category, the target, and a localized message with what
/// to do next. The core's arguments never carry secrets, so neither does the record.
/// </summary>
internal static class ErrorRecords
{
    internal static ErrorRecord From(K8sCommException failure)
    {
        string reason = failure.Reason.ToString();
        var record = new ErrorRecord(failure, "K8sComm." + reason, CategoryOf(failure.Reason), failure.Target);
        string messages = MessagesFor(failure);
        string? template = Strings.ResourceManager.GetString("Error_" + messages, Strings.Culture);
        if (template is not null)
        {
            string? action = Strings.ResourceManager.GetString("Action_" + messages, Strings.Culture);
            record.ErrorDetails = new ErrorDetails(Format(template, failure))
            {
                // Actions are fixed sentences, except where they name the very rule to add.
                RecommendedAction = messages == reason || action is null ? action : Format(action, failure),
            };
        }
        return record;
    }

    /// <summary>The resource keys' suffix: the reason, or for a 403 whose sentence RBAC wrote, the variant
    /// that names the account, the verb, the resource and the missing Role or ClusterRole rule (the
    /// FullyQualifiedErrorId stays K8sComm.ApiForbidden).</summary>
    private static string MessagesFor(K8sCommException failure) => failure switch
    {
        Core.Api.ApiStatusException { Denial: { Namespace: null } } => "ApiForbiddenClusterRole",
        Core.Api.ApiStatusException { Denial: not null } => "ApiForbiddenRole",
        _ => failure.Reason.ToString(),
    };

    internal static ErrorCategory CategoryOf(FailureReason reason) => reason switch
    {
        FailureReason.KubeconfigNotFound => ErrorCategory.ObjectNotFound,
        FailureReason.KubeconfigMalformed => ErrorCategory.ParserError,
        FailureReason.KubeconfigUnreadable => ErrorCategory.ReadError,
        FailureReason.PathInvalid => ErrorCategory.InvalidArgument,
        FailureReason.ContextNotFound => ErrorCategory.ObjectNotFound,
        FailureReason.NoCurrentContext => ErrorCategory.InvalidOperation,
        FailureReason.ClusterNotFound => ErrorCategory.ObjectNotFound,
        FailureReason.CertificateDataInvalid => ErrorCategory.InvalidData,
        FailureReason.ServiceAccountNotFound => ErrorCategory.ObjectNotFound,
        FailureReason.NotInPod => ErrorCategory.ResourceUnavailable,
        FailureReason.ApiPathInvalid => ErrorCategory.InvalidArgument,
        FailureReason.ServerInvalid => ErrorCategory.InvalidData,
        FailureReason.ConnectionParametersConflict => ErrorCategory.InvalidArgument,
        FailureReason.ServerUnreachable or FailureReason.ForwardProxyFailed or FailureReason.TlsHandshakeFailed => ErrorCategory.ConnectionError,
        FailureReason.ServerCertificateUntrusted or FailureReason.UnencryptedAuthentication => ErrorCategory.SecurityError,
        FailureReason.Timeout => ErrorCategory.OperationTimeout,
        FailureReason.TokenFileUnreadable => ErrorCategory.ReadError,
        FailureReason.ExecPluginNotFound => ErrorCategory.ObjectNotFound,
        FailureReason.ExecPluginFailed => ErrorCategory.AuthenticationError,
        FailureReason.ApiUnauthorized => ErrorCategory.AuthenticationError,
        FailureReason.ApiForbidden => ErrorCategory.PermissionDenied,
        FailureReason.ApiNotFound => ErrorCategory.ObjectNotFound,
        FailureReason.ApiError => ErrorCategory.ProtocolError,
        FailureReason.ResponseInvalid => ErrorCategory.InvalidResult,
        FailureReason.NodeNotFound or FailureReason.NodeAddressMissing => ErrorCategory.ObjectNotFound,
        FailureReason.KubeletAddressInvalid or FailureReason.NodeInputInvalid => ErrorCategory.InvalidArgument,
        FailureReason.KubeletCertificateAuthorityMissing => ErrorCategory.InvalidOperation,

        FailureReason.ProxyNameInvalid or FailureReason.ProxyPortInvalid or FailureReason.ProxyPathInvalid
            or FailureReason.ProxyBaseInvalid => ErrorCategory.InvalidArgument,
        FailureReason.ProxyInputInvalid => ErrorCategory.InvalidType,
        _ => ErrorCategory.NotSpecified,
    };

    // Templates take {0}, {1}, ... for the core's arguments (a list arrives already joined). A failure
    // whose details are the runtime's own words (a socket error, a TLS alert) carries no arguments: its
    // template then frames the core's sentence as {0}. Should a template and the core ever disagree, the
    // core's English message is still a good message.
    private static string Format(string template, K8sCommException failure)
    {
        // Arguments carry names, paths and servers' sentences: shown, so made safe to show.
        object[] arguments = failure.Arguments.Count > 0 ? failure.Arguments.Select(a => (object)Display.Text(a)).ToArray() : [failure.Message];
        try
        {
            return string.Format(CultureInfo.CurrentCulture, template, arguments);
        }
        catch (FormatException)
        {
            return failure.Message;
        }
    }
}
