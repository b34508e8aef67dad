package io.fleetban.agent.collect;

import io.fleetban.agent.UsageException;

/**
 * {@code collect} as the agent jar runs it, with {@link TestFilter} for {@code --filter}: lets
 * {@code CollectKillIT} kill a real agent process without depending on the FreeSWITCH filter.
 */
public final class CollectTestMain {

    private CollectTestMain() {
    }

    public static void main(String[] args) {
        try {
            System.exit(CollectCommand.run(args, System.out, System.err, spec -> new TestFilter()));
        } catch (UsageException e) {
            System.err.println("collect: " + e.getMessage());
            System.exit(2);
        }
    }
}
