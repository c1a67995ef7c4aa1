// Barrel of the dispatch part of the reporter; its owner adds exports here.
export {};
