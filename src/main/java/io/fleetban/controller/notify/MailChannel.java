package io.fleetban.controller.notify;

import io.quarkus.mailer.Mail;
import io.quarkus.mailer.Mailer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Ban mails like fail2ban's sendmail-whois action, through quarkus.mailer's SMTP server. */
final class MailChannel implements Channel {

    private final Mailer mailer;
    private final List<String> to;
    private final Optional<String> from;
    private final String subjectPrefix;
    private final Duration window;
    private final int threshold;

    MailChannel(Mailer mailer, List<String> to, Optional<String> from, String subjectPrefix, Duration window,
                int threshold) {
        this.mailer = mailer;
        this.to = to;
        this.from = from;
        this.subjectPrefix = subjectPrefix;
        this.window = window;
        this.threshold = threshold;
    }

    @Override
    public String name() {
        return "email";
    }

    @Override
    public void send(Message m) throws DeliveryException {
        Mail mail = new Mail().setTo(to)
                .setSubject((subjectPrefix.isBlank() ? "" : subjectPrefix + " ") + NoticeText.subject(m, window))
                .setText(NoticeText.body(m, window, threshold))
                .addHeader("X-Fleetban-Message", m.id());
        from.ifPresent(mail::setFrom);
        try {
            mailer.send(mail);
        } catch (RuntimeException e) {
            // Connection refused, a 4xx/5xx from the server, a timeout: all worth another try later.
            throw new DeliveryException(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), true,
                    null);
        }
    }
}
