// Barrel of the config part of the reporter; its owner adds exports here.
export {};
